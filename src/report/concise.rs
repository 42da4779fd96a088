//! One line per finding, for terminals, editors and agents.

use std::io::{self, Write};

use crate::finding::Finding;

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
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
