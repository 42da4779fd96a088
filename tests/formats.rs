//! The CI formats through the real binary: SARIF (schema, golden, UTF-16
//! columns, fingerprints), GitHub annotations, GitLab Code Quality, JUnit
//! and `--output`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use serde_json::Value;

fn plumbline(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("plumbline"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    cmd
}

fn temp_project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn demo_app() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-app")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    plumbline(dir).args(args).output().unwrap()
}

fn sarif(dir: &Path) -> Value {
    let out = run(dir, &["check", "--format", "sarif"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn region(result: &Value) -> &Value {
    &result["locations"][0]["physicalLocation"]["region"]
}

fn fingerprint(result: &Value) -> &str {
    result["partialFingerprints"]["primaryLocationLineHash"]
        .as_str()
        .unwrap()
}

const VIOLATION: &str = "export const GATEWAY = 'https://chi-gateway.example.workers.dev/v1';\n";

/// A project that exercises every part of the log: an error with a fix, a
/// warning (an unused suppression), a skipped binary file and non-ASCII text.
fn rich_project() -> tempfile::TempDir {
    let dir = temp_project(&[
        ("src/gateway.ts", VIOLATION),
        (
            "src/unicode.ts",
            "const 😀世界 = 'https://chi-gateway.example.workers.dev';\n",
        ),
        (
            "src/b.ts",
            "// plumbline-ignore: forbidden-gateway-host -- nothing here any more\nconst ok = 1;\n",
        ),
    ]);
    std::fs::write(dir.path().join("src/bin.ts"), b"const a = 1;\0\0\0").unwrap();
    dir
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/sarif-schema-2.1.0.json");
    let Ok(schema_text) = std::fs::read_to_string(&schema_path) else {
        println!(
            "skipped: schema not found at {} (a fresh clone has no ../shared)",
            schema_path.display()
        );
        return;
    };
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let broken = serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": {} }] });
    assert!(!validator.is_valid(&broken), "the validator really checks");

    let dir = rich_project();
    for log in [sarif(dir.path()), sarif(&demo_app())] {
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF is invalid:\n{}",
            errors.join("\n")
        );
    }

    // And what GitHub code scanning relies on is there.
    let log = sarif(dir.path());
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["message"]["text"] == "skipped src/bin.ts: binary"),
        "{notes:?}"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in results(&log) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
        assert!(location["uri"].as_str().unwrap().starts_with("src/"));
    }
    let levels: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"error") && levels.contains(&"warning"));
    assert!(results(&log).iter().any(|r| r["fixes"].is_array()));
}

#[test]
fn sarif_driver_describes_every_enabled_rule() {
    let dir = temp_project(&[
        (
            "plumbline.toml",
            "[rules.dead-oauth-callback]\nseverity = \"off\"\n\n[rules.forbidden-gateway-host]\nseverity = \"warning\"\n",
        ),
        ("src/gateway.ts", VIOLATION),
    ]);
    let out = run(dir.path(), &["check", "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "plumbline");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "rules are sorted by id");
    assert!(
        !ids.contains(&"dead-oauth-callback"),
        "off rules are left out"
    );
    assert!(ids.contains(&"unused-suppression"));
    let host = rules
        .iter()
        .find(|r| r["id"] == "forbidden-gateway-host")
        .unwrap();
    assert_eq!(host["name"], "ForbiddenGatewayHost");
    assert_eq!(host["defaultConfiguration"]["level"], "warning");
    assert_eq!(host["properties"]["precision"], "high");
    assert_eq!(host["properties"]["security-severity"], "8.0");
    assert_eq!(
        host["shortDescription"]["text"],
        "Reference to a forbidden gateway host"
    );
    assert!(host["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .starts_with("The integration gateway is the only way out"));
    assert!(host["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## Example"));
    let table = rules
        .iter()
        .find(|r| r["id"] == "supabase-integration-table")
        .unwrap();
    assert_eq!(table["properties"]["security-severity"], "9.0");
    let suppression = rules
        .iter()
        .find(|r| r["id"] == "unused-suppression")
        .unwrap();
    assert!(suppression["properties"]["security-severity"].is_null());
}

#[test]
fn demo_app_sarif_golden() {
    let first = run(&demo_app(), &["check", "--format", "sarif"]);
    let second = run(&demo_app(), &["check", "--format", "sarif"]);
    assert_eq!(first.stdout, second.stdout, "SARIF is byte-identical");
    assert_cmd_snapshot!(plumbline(&demo_app()).args(["check", "--format", "sarif"]));
}

#[test]
fn sarif_columns_are_utf16_code_units() {
    // 😀 is 2 UTF-16 units (1 char), 世 and 界 are 1 unit each. The URL
    // starts at char column 14 and UTF-16 column 15.
    let line = "const 😀世界 = 'https://chi-gateway.example.workers.dev';\n";
    let url = "https://chi-gateway.example.workers.dev";
    let dir = temp_project(&[("src/a.ts", &format!("// header\n{line}"))]);
    let byte = line.find(url).unwrap();
    let utf16_start = line[..byte].encode_utf16().count() as u64 + 1;
    let utf16_end = utf16_start + url.encode_utf16().count() as u64;
    assert_eq!(line[..byte].chars().count() + 1, 14);
    assert_eq!(utf16_start, 15);

    let log = sarif(dir.path());
    let findings = results(&log);
    let result = findings
        .iter()
        .find(|r| r["ruleId"] == "forbidden-gateway-host")
        .unwrap();
    let region = region(result);
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["endLine"], 2);
    // The rule flags the host or the whole URL; either way the columns
    // count UTF-16 units from the start of the line.
    let start = region["startColumn"].as_u64().unwrap();
    let end = region["endColumn"].as_u64().unwrap();
    assert!(
        (utf16_start..utf16_end).contains(&start) && start < end && end <= utf16_end,
        "{region} not within {utf16_start}..{utf16_end}"
    );
    let host_at = line.find("chi-gateway").unwrap();
    let host_col = line[..host_at].encode_utf16().count() as u64 + 1;
    assert!(start == utf16_start || start == host_col, "{region}");

    // The GitHub annotation uses the same columns.
    let out = run(dir.path(), &["check", "--format", "github"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("line=2,col={start},endLine=2,endColumn={end},")),
        "{text}"
    );
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let body = format!("{VIOLATION}export const x = 1;\n{VIOLATION}");
    let dir = temp_project(&[("src/a.ts", &body)]);
    let before = sarif(dir.path());
    std::fs::write(
        dir.path().join("src/a.ts"),
        format!("// a new header\n\nimport {{ y }} from './y';\n{body}"),
    )
    .unwrap();
    let after = sarif(dir.path());

    let key = |log: &Value| -> Vec<(String, u64)> {
        results(log)
            .iter()
            .map(|r| {
                (
                    fingerprint(r).to_string(),
                    region(r)["startLine"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (before, after) = (key(&before), key(&after));
    assert_eq!(before.len(), 2);
    assert_eq!(
        before.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        after.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        "fingerprints moved with the lines"
    );
    assert_eq!(after[0].1, before[0].1 + 3, "the finding did move");
    // Two identical violations in one file are told apart by occurrence.
    assert_ne!(before[0].0, before[1].0);
    assert!(before[0].0.ends_with(":1") && before[1].0.ends_with(":2"));
}

#[test]
fn github_annotations_escape_properties_and_data() {
    // `,` and `:` in a path must not end the property they sit in.
    let dir = temp_project(&[
        ("src/a,b:c.ts", VIOLATION),
        (
            "src/b.ts",
            "// plumbline-ignore: forbidden-gateway-host -- nothing here any more\nconst ok = 1;\n",
        ),
    ]);
    let out = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "::error file=src/a%2Cb%3Ac.ts,line=1,col=33,endLine=1,endColumn=64,title=forbidden-gateway-host::"
        ),
        "{text}"
    );
    assert!(lines[0].ends_with("`chi-gateway.example.workers.dev` is a forbidden gateway host"));
    assert!(
        lines[1].starts_with("::warning file=src/b.ts,line=1,"),
        "{text}"
    );
    // The message part keeps `:` and `,` as they are.
    let message = lines[1]
        .split_once("::")
        .unwrap()
        .1
        .split_once("::")
        .unwrap()
        .1;
    assert!(!message.contains('\n'));
}

#[test]
fn gitlab_code_quality_shape() {
    let dir = rich_project();
    let out = run(dir.path(), &["check", "--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(1));
    let issues: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(issues.len(), 3);
    let log = sarif(dir.path());
    for (issue, result) in issues.iter().zip(results(&log)) {
        let keys: Vec<&str> = issue
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "description",
                "check_name",
                "fingerprint",
                "severity",
                "location"
            ]
        );
        assert_eq!(issue["check_name"], result["ruleId"]);
        assert_eq!(issue["fingerprint"].as_str().unwrap(), fingerprint(result));
        assert_eq!(
            issue["location"]["path"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        );
        assert_eq!(
            issue["location"]["lines"]["begin"],
            region(result)["startLine"]
        );
    }
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["minor", "critical", "critical"]);
    let mut unique: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn junit_shape() {
    let dir = rich_project();
    let out = run(dir.path(), &["check", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.attribute("name"), Some("plumbline"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        suite.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    assert_eq!(suite.attribute("failures"), Some("2"));
    let failing: Vec<(&str, &str, &str)> = cases
        .iter()
        .filter_map(|c| {
            let failure = c.children().find(|n| n.has_tag_name("failure"))?;
            Some((
                c.attribute("name").unwrap(),
                failure.attribute("type").unwrap(),
                failure.text().unwrap(),
            ))
        })
        .collect();
    assert_eq!(failing.len(), 2);
    assert_eq!(failing[0].0, "forbidden-gateway-host");
    assert_eq!(failing[0].1, "error");
    assert!(
        failing[0].2.contains(
            "src/gateway.ts:1:33: `chi-gateway.example.workers.dev` is a forbidden gateway host"
        ),
        "{}",
        failing[0].2
    );
    assert_eq!(failing[1].0, "unused-suppression");
    assert_eq!(failing[1].1, "warning");
    // Passing rules are listed too, so a clean run is N passing tests.
    assert!(cases
        .iter()
        .any(|c| c.attribute("name") == Some("dead-oauth-callback")
            && c.children().all(|n| !n.has_tag_name("failure"))));

    let clean = temp_project(&[("src/a.ts", "export const x = 1;\n")]);
    let out = run(clean.path(), &["check", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert!(doc.descendants().all(|n| !n.has_tag_name("failure")));
}

#[test]
fn output_writes_the_report_to_a_file_and_the_summary_to_stdout() {
    let dir = temp_project(&[("src/gateway.ts", VIOLATION)]);
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let out = run(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output",
            "reports/plumbline.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1 error, 0 warnings in 1 file (1 file scanned); 1 fixable with `--fix`\n"
    );
    let written = std::fs::read(dir.path().join("reports/plumbline.sarif")).unwrap();
    let direct = run(dir.path(), &["check", "--format", "sarif"]).stdout;
    assert_eq!(written, direct, "the file holds exactly the report");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["plumbline.sarif"], "no temporary file is left");

    // Human output to a file has no colour codes even when asked for.
    let out = run(
        dir.path(),
        &["check", "--color", "always", "-o", "report.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(report.contains("forbidden-gateway-host") && !report.contains('\u{1b}'));

    // A folder that does not exist is an error, and nothing is written.
    let out = run(
        dir.path(),
        &["check", "--format", "json", "--output", "missing/out.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write missing/out.json"));
    assert!(!dir.path().join("missing").exists());
}
