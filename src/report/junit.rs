//! `--format junit`: JUnit XML for CI test-report views. One test suite,
//! `plumbline`; one test case per enabled rule, which fails when the rule
//! has findings and lists them, one `path:line:col` line each.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::engine::RunResult;
use crate::finding::{Finding, Severity};

use super::EnabledRule;

pub fn write(out: &mut dyn Write, result: &RunResult, rules: &[EnabledRule]) -> io::Result<()> {
    out.write_all(render(result, rules).as_bytes())
}

pub fn render(result: &RunResult, rules: &[EnabledRule]) -> String {
    let cases: Vec<(&str, Vec<&Finding>)> = rules
        .iter()
        .map(|r| {
            let id = r.meta.id.as_str();
            (
                id,
                result.findings.iter().filter(|f| &*f.rule == id).collect(),
            )
        })
        .collect();
    let failures = cases.iter().filter(|(_, f)| !f.is_empty()).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\"",
        cases.len()
    );
    let _ = writeln!(xml, "<testsuites name=\"plumbline\" {counts}>");
    let _ = writeln!(
        xml,
        "  <testsuite name=\"plumbline\" {counts} skipped=\"0\">"
    );
    for (id, findings) in &cases {
        let id = escape(id);
        if findings.is_empty() {
            let _ = writeln!(xml, "    <testcase name=\"{id}\" classname=\"plumbline\"/>");
            continue;
        }
        let worst = findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Error);
        let message = match findings.len() {
            1 => findings[0].message.clone(),
            n => format!("{n} findings; first: {}", findings[0].message),
        };
        let _ = writeln!(xml, "    <testcase name=\"{id}\" classname=\"plumbline\">");
        let _ = write!(
            xml,
            "      <failure message=\"{}\" type=\"{worst}\">",
            escape_attribute(&message)
        );
        for f in findings {
            let line = format!(
                "{}:{}:{}: {}",
                f.source.project_path(),
                f.start.line,
                f.start.column,
                f.message
            );
            let _ = writeln!(xml, "{}", escape(&line));
        }
        xml.push_str("</failure>\n    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// [`escape`], with line breaks and tabs written as references: a parser
/// folds literal ones into spaces inside an attribute value.
pub fn escape_attribute(text: &str) -> String {
    escape(text).replace('\n', "&#10;").replace('\t', "&#9;")
}

/// Escapes text for an attribute or element, and replaces characters XML 1.0
/// cannot hold at all (most C0 controls) with U+FFFD. A carriage return is
/// written as a reference because parsers normalize a literal one away.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_invalid_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}"
        );
        assert_eq!(escape_attribute("a\r\nb"), "a&#13;&#10;b");
    }
}
