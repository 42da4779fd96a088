//! `--format github`: one GitHub Actions workflow command per finding, which
//! the runner turns into an annotation on the pull request's diff.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};

use super::sarif::utf16_position;

pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    super::sarif::forget_columns();
    for f in findings {
        writeln!(out, "{}", command(f))?;
    }
    Ok(())
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message`.
/// Columns are UTF-16 code units, as in the SARIF output.
pub fn command(f: &Finding) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let (line, col) = utf16_position(&f.source, f.span.start);
    let (end_line, end_col) = utf16_position(&f.source, f.span.end);
    format!(
        "::{name} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
        escape_property(f.source.project_path()),
        escape_property(&f.rule),
        escape_data(&f.message),
    )
}

/// The message part: `%`, CR and LF are encoded (as @actions/core does).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as data, plus `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn whole_command_is_escaped() {
        let source = Arc::new(SourceFile::in_memory("src/a,b:c.ts", "x\n😀 bad\n"));
        let span = 7..10;
        let finding = Finding {
            rule: Arc::from("some-rule"),
            severity: Severity::Info,
            start: source.position(span.start),
            end: source.position(span.end),
            source,
            span,
            message: "50% off:\r\nnow, later".to_string(),
            label: String::new(),
            labels: Vec::new(),
            help: String::new(),
            url: String::new(),
            fix: None,
            conditions: Vec::new(),
            redact: Vec::new(),
        };
        assert_eq!(
            command(&finding),
            "::notice file=src/a%2Cb%3Ac.ts,line=2,col=4,endLine=2,endColumn=7,\
             title=some-rule::50%25 off:%0D%0Anow, later"
        );
    }

    #[test]
    fn escapes_per_github_rules() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("100% a\r\nb: c, d"),
            "100%25 a%0D%0Ab%3A c%2C d"
        );
        // `%` first, so an encoded sequence is not encoded twice.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
