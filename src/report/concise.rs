//! One line per finding, for terminals, editors and agents.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    write_styled(out, findings, false)
}

/// The same lines, with the path bold and the severity coloured when
/// `color` is on (`--color always`, or `auto` on a terminal).
pub fn write_styled(out: &mut dyn Write, findings: &[Finding], color: bool) -> io::Result<()> {
    for f in findings {
        let (bold, severity, reset) = if color {
            let severity = match f.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
                Severity::Info => "\x1b[1;36m",
            };
            ("\x1b[1m", severity, "\x1b[0m")
        } else {
            ("", "", "")
        };
        writeln!(
            out,
            "{bold}{}:{}:{}:{reset} {severity}{}[{}]{reset} {}",
            f.path(),
            f.start.line,
            f.start.column,
            f.severity,
            f.rule,
            f.message
        )?;
    }
    Ok(())
}
