//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers,
//! plus the line-independent fingerprints and UTF-16 columns that the GitHub
//! and GitLab formats share with it.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde_json::Value;
use serde_sarif::sarif;

use crate::engine::RunResult;
use crate::finding::{Finding, Severity};
use crate::source::{floor_char_boundary, SourceFile};

use super::EnabledRule;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

pub fn write(out: &mut dyn Write, result: &RunResult, rules: &[EnabledRule]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(result, rules))?;
    writeln!(out)
}

/// The whole log. Everything in it is derived from sorted inputs and holds no
/// time or absolute path, so the same run gives byte-identical output.
pub fn log(result: &RunResult, rules: &[EnabledRule]) -> sarif::Sarif {
    forget_columns();
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta.id.as_str(), i))
        .collect();
    let fingerprints = fingerprints(&result.findings);
    let results: Vec<sarif::Result> = result
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fp)| sarif_result(f, fp, index.get(&*f.rule).copied()))
        .collect();

    let driver = sarif::ToolComponent::builder()
        .name("plumbline")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules.iter().map(descriptor).collect::<Vec<_>>())
        .build();
    let root = sarif::ArtifactLocation::builder()
        .description(text("The project root: the folder holding plumbline.toml."))
        .build();
    let mut invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .build();
    let notes = notifications(result);
    if !notes.is_empty() {
        invocation.tool_execution_notifications = Some(notes);
    }
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(Value::from("utf16CodeUnits"))
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_string(), root)]))
        .build();
    sarif::Sarif::builder()
        .schema(SCHEMA)
        .version(Value::from("2.1.0"))
        .runs(vec![run])
        .build()
}

fn descriptor(rule: &EnabledRule) -> sarif::ReportingDescriptor {
    let meta = &rule.meta;
    let description = if meta.description.trim().is_empty() {
        meta.summary.clone()
    } else {
        meta.description.trim().to_string()
    };
    let mut extra = BTreeMap::from([("precision".to_string(), Value::from("high"))]);
    if let Some(score) = security_severity(&meta.tags) {
        extra.insert("security-severity".to_string(), Value::from(score));
    }
    sarif::ReportingDescriptor::builder()
        .id(meta.id.as_str())
        .name(pascal_case(&meta.id))
        .short_description(multiformat(&meta.summary, None))
        .full_description(multiformat(&first_paragraph(&description), None))
        .help(multiformat(&description, Some(&description)))
        .help_uri(meta.url())
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(Value::from(level(rule.severity)))
                .build(),
        )
        .properties(
            sarif::PropertyBag::builder()
                .tags(meta.tags.clone())
                .additional_properties(extra)
                .build(),
        )
        .build()
}

/// GitHub ranks code-scanning alerts by this score (9.0+ critical,
/// 7.0–8.9 high): leaked credentials first, then other security and
/// data-store rules.
fn security_severity(tags: &[String]) -> Option<&'static str> {
    let has = |t: &str| tags.iter().any(|tag| tag == t);
    if has("credentials") {
        Some("9.0")
    } else if has("security") || has("data-store") {
        Some("8.0")
    } else {
        None
    }
}

fn sarif_result(f: &Finding, fingerprint: &str, rule_index: Option<usize>) -> sarif::Result {
    let location = sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(artifact(f))
                .region(region(&f.source, &f.span))
                .build(),
        )
        .build();
    let mut result = sarif::Result::builder()
        .rule_id(&*f.rule)
        .level(match f.severity {
            Severity::Error => sarif::ResultLevel::Error,
            Severity::Warning => sarif::ResultLevel::Warning,
            Severity::Info => sarif::ResultLevel::Note,
        })
        .message(text(&f.message))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            "primaryLocationLineHash".to_string(),
            fingerprint.to_string(),
        )]))
        .build();
    result.rule_index = rule_index.map(|i| i as i64);
    if let Some(fix) = &f.fix {
        let replacement = sarif::Replacement::builder()
            .deleted_region(region(&f.source, &fix.span))
            .inserted_content(
                sarif::ArtifactContent::builder()
                    .text(fix.replacement.as_str())
                    .build(),
            )
            .build();
        let change = sarif::ArtifactChange::builder()
            .artifact_location(artifact(f))
            .replacements(vec![replacement])
            .build();
        result.fixes = Some(vec![sarif::Fix::builder()
            .description(text(&fix.description))
            .artifact_changes(vec![change])
            .build()]);
    }
    result
}

fn artifact(f: &Finding) -> sarif::ArtifactLocation {
    sarif::ArtifactLocation::builder()
        .uri(f.source.project_path())
        .uri_base_id(SRCROOT)
        .build()
}

fn region(source: &SourceFile, span: &std::ops::Range<usize>) -> sarif::Region {
    let (start_line, start_column) = utf16_position(source, span.start);
    let (end_line, end_column) = utf16_position(source, span.end);
    sarif::Region::builder()
        .start_line(start_line as i64)
        .start_column(start_column as i64)
        .end_line(end_line as i64)
        .end_column(end_column as i64)
        .build()
}

/// Skipped and unreadable files and per-file notes, in that order (each
/// list is already sorted by the engine).
fn notifications(result: &RunResult) -> Vec<sarif::Notification> {
    let s = &result.summary;
    let note = |level: &str, message: String| {
        sarif::Notification::builder()
            .level(Value::from(level))
            .message(text(&message))
            .build()
    };
    let skipped = s
        .skipped
        .iter()
        .map(|(path, reason)| note("note", format!("skipped {path}: {}", reason.describe())));
    let unreadable = s
        .unreadable
        .iter()
        .map(|(path, error)| note("warning", format!("cannot read {path}: {error}")));
    let notes = s
        .notes
        .iter()
        .map(|(path, message)| note("note", format!("{path}: {message}")));
    skipped.chain(unreadable).chain(notes).collect()
}

fn text(message: &str) -> sarif::Message {
    sarif::Message::builder().text(message).build()
}

fn multiformat(text: &str, markdown: Option<&str>) -> sarif::MultiformatMessageString {
    let mut m = sarif::MultiformatMessageString::builder()
        .text(text)
        .build();
    m.markdown = markdown.map(str::to_string);
    m
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `forbidden-gateway-host` → `ForbiddenGatewayHost`.
pub fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
        })
        .collect()
}

/// The text up to the first blank line, joined onto one line.
fn first_paragraph(markdown: &str) -> String {
    markdown
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 1-based line and 1-based column in UTF-16 code units of a byte offset,
/// the unit GitHub (and any JavaScript viewer) counts in.
pub fn utf16_position(source: &SourceFile, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(&source.text, offset.min(source.text.len()));
    let line = source.position(offset).line;
    let start = source.line_range(line).start.min(offset);
    // Findings come in source order, so counting on (or back) from the last
    // offset of the same line keeps a report on one very long line linear.
    let key = (source.text.as_ptr() as usize, source.text.len(), start);
    let (at, units) = LAST_COLUMN.with(|last| match last.get() {
        Some((k, at, units)) if k == key => (at, units),
        _ => (start, 0),
    });
    let units = if at <= offset {
        units + utf16_len(&source.text[at..offset])
    } else {
        units - utf16_len(&source.text[offset..at])
    };
    LAST_COLUMN.with(|last| last.set(Some((key, offset, units))));
    (line, units + 1)
}

thread_local! {
    /// The last column [`utf16_position`] counted: the source's text
    /// (address and length), the line's start, the offset and its column
    /// in UTF-16 units. Forgotten at the start of every report.
    static LAST_COLUMN: std::cell::Cell<Option<CountedColumn>> =
        const { std::cell::Cell::new(None) };
}

/// A line (its text's address and length, and the line's start), an offset
/// on it and that offset's column in UTF-16 units, less one.
type CountedColumn = ((usize, usize, usize), usize, usize);

/// Forgets the column counted last, so a report never counts on from the
/// text of one that was freed.
pub fn forget_columns() {
    LAST_COLUMN.with(|last| last.set(None));
}

/// The length of `text` in UTF-16 code units, counted by the standard
/// library's optimized scans where they suffice: a report on a file with
/// one very long line places every finding on it.
fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    // Only a char of four UTF-8 bytes (lead byte F0–F4) takes two units.
    let bytes = text.as_bytes();
    if ![0xF0u8, 0xF1, 0xF2, 0xF3, 0xF4]
        .iter()
        .any(|lead| bytes.contains(lead))
    {
        return text.chars().count();
    }
    text.encode_utf16().count()
}

/// One fingerprint per finding (same order), stable when unrelated lines
/// move: a hash of the file's project path, the rule and the flagged code
/// with whitespace collapsed, then `:` and the occurrence number among
/// findings with the same key in the file (1-based, in source order). No
/// line number takes part.
///
/// The path is part of the key so that GitLab, which wants fingerprints
/// unique across the whole report, can use the same value.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let hash = fnv1a(&[
                f.source.project_path().as_bytes(),
                f.rule.as_bytes(),
                f.normalized_snippet().as_bytes(),
            ]);
            let n = seen.entry(hash).or_default();
            *n += 1;
            format!("{hash:016x}:{n}")
        })
        .collect()
}

/// 64-bit FNV-1a over the parts, each followed by a 0 byte. Chosen for
/// being fully specified: the value never changes with a Rust release.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.iter().chain(&[0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_lengths_by_every_path() {
        for text in ["", "plain ascii", "é and ü", "a😀b", "ü😀"] {
            assert_eq!(utf16_len(text), text.encode_utf16().count(), "{text}");
        }
    }

    /// Counting on or back from the last column gives what counting from
    /// the line's start gives, in any order of offsets.
    #[test]
    fn utf16_columns_in_any_order_match_a_count_from_the_line_start() {
        let line: String = (0..200).map(|i| ["a", "é", "😀", "z"][i % 4]).collect();
        let source = SourceFile::in_memory("a.ts", format!("first\n{line}\nlast"));
        let naive = |offset: usize| {
            let start = source.line_range(2).start;
            source.text[start..offset].encode_utf16().count() + 1
        };
        let offsets: Vec<usize> = source.text.char_indices().map(|(i, _)| i).collect();
        let mut order: Vec<usize> = offsets
            .iter()
            .copied()
            .filter(|&o| o > 5 && o < 6 + line.len())
            .collect();
        let reversed: Vec<usize> = order.iter().rev().copied().collect();
        order.extend(reversed);
        order.extend(order.clone().iter().step_by(7).copied().collect::<Vec<_>>());
        forget_columns();
        for offset in order {
            assert_eq!(
                utf16_position(&source, offset),
                (2, naive(offset)),
                "{offset}"
            );
        }
        assert_eq!(utf16_position(&source, 2), (1, 3));
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        // 😀 is one scalar but two UTF-16 units; 世界 are one unit each.
        let text = "x\n😀世界 = 'bad';\n";
        let source = SourceFile::in_memory("a.ts", text);
        let offset = text.find("'bad'").unwrap();
        assert_eq!(source.position(offset).column, 7);
        assert_eq!(utf16_position(&source, offset), (2, 8));
        assert_eq!(utf16_position(&source, 0), (1, 1));
        assert_eq!(utf16_position(&source, text.len()), (3, 1));
    }

    #[test]
    fn pascal_case_and_first_paragraph() {
        assert_eq!(
            pascal_case("forbidden-gateway-host"),
            "ForbiddenGatewayHost"
        );
        assert_eq!(pascal_case("a"), "A");
        assert_eq!(
            first_paragraph("\nOne\nline.\n\nTwo.\n"),
            "One line.".to_string()
        );
    }

    #[test]
    fn security_severity_follows_tags() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            security_severity(&tags(&["supabase", "credentials"])),
            Some("9.0")
        );
        assert_eq!(security_severity(&tags(&["data-store"])), Some("8.0"));
        assert_eq!(security_severity(&tags(&["suppression"])), None);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; our 0 terminator extends it.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        hash ^= u64::from(b'a');
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        assert_eq!(hash, 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}
