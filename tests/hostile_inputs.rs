//! Hostile input never crashes, hangs or is skipped without a word: each
//! case generates its input, runs the real binary under a deadline and
//! checks that it ends with an answer (exit 0, 1 or 2) and says why.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

/// What a run produced.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    /// Exit 0, 1 or 2 and no panic message: an answer, not a crash.
    fn assert_answered(&self) {
        assert!(
            matches!(self.code, Some(0..=2)),
            "exit {:?} (a crash or a signal)\nstderr: {}",
            self.code,
            cut(&self.stderr)
        );
        assert!(
            !self.stderr.contains("panicked at"),
            "panic: {}",
            cut(&self.stderr)
        );
    }
}

fn cut(text: &str) -> String {
    text.chars().take(3000).collect()
}

/// Runs plumbline in `dir` with `args`, killed after `limit`.
fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let mut cmd = Command::new(get_cargo_bin("plumbline"));
    cmd.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("PLUMBLINE_TEST_PANIC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("the binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("plumbline {args:?} did not finish within {limit:?} (a hang)");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
        took: start.elapsed(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[], Duration::from_secs(60))
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

#[test]
fn a_multibyte_character_before_a_url_is_reported_not_a_panic() {
    let dir = project(&[
        ("a.ts", "const a = 'éhttps://chi-gateway.x.dev';\n"),
        (".env", "URL=🙂https://chi-gateway.x.dev\n"),
    ]);
    let out = run(dir.path(), &["check", "--format", "concise"]);
    out.assert_answered();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("a.ts"), "{}", out.stdout);
    assert!(out.stdout.contains(".env"), "{}", out.stdout);
}

#[test]
fn a_finding_past_column_65535_prints_a_window_of_its_line() {
    let line = format!(
        "{}fetch('https://chi-gateway.example.workers.dev');\n",
        " ".repeat(65_536)
    );
    let dir = project(&[("long-line.js", &line)]);
    let out = run(dir.path(), &["check", "long-line.js"]);
    out.assert_answered();
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("chi-gateway"), "{}", cut(&out.stdout));
    assert!(
        out.stdout.contains("long-line.js:1:65552"),
        "{}",
        cut(&out.stdout)
    );
    assert!(out.stdout.len() < 5_000, "{} bytes", out.stdout.len());
}

#[test]
fn two_hundred_findings_on_a_one_megabyte_line_print_kilobytes_not_megabytes() {
    let findings = "fetch('https://chi-gateway.x.dev');".repeat(200);
    let text = format!("{findings}{}\n", " ".repeat(1_000_000 - findings.len()));
    let dir = project(&[("wide.js", &text)]);
    let out = run(dir.path(), &["check", "wide.js"]);
    out.assert_answered();
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("200 errors"), "{}", cut(&out.stdout));
    assert!(out.stdout.len() < 400_000, "{} bytes", out.stdout.len());
}

#[test]
fn a_config_error_past_column_65535_is_shown_in_a_window() {
    let config = format!("[gateway]\nurl = \"x\"{}bogus = 1\n", " ".repeat(70_000));
    let dir = project(&[
        ("plumbline.toml", &config),
        ("a.ts", "export const a = 1;\n"),
    ]);
    let out = run(dir.path(), &["check", "."]);
    out.assert_answered();
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("plumbline.toml"),
        "{}",
        cut(&out.stderr)
    );
    assert!(out.stderr.len() < 5_000, "{} bytes", out.stderr.len());
}

#[test]
fn python_nested_beyond_the_scanner_limit_is_skipped_with_a_note() {
    let n = 511;
    let mut text: String = (0..n)
        .map(|i| format!("{}if x:\n", " ".repeat(i)))
        .collect();
    text.push_str(&" ".repeat(n));
    text.push_str("requests.get(\"https://chi-gateway.x.dev\")\n");
    let dir = project(&[("deep511.py", &text)]);
    let out = run(dir.path(), &["check", "--verbose", "deep511.py"]);
    out.assert_answered();
    assert!(out.stdout.contains("not parsed"), "{}", cut(&out.stdout));
    assert!(out.stdout.contains("deep511.py"), "{}", cut(&out.stdout));
    // Nesting does not hide a forbidden host: the text is read lexically.
    assert_eq!(out.code, Some(1), "{}", cut(&out.stdout));
    assert!(
        out.stdout.contains("forbidden gateway host"),
        "{}",
        cut(&out.stdout)
    );
}

#[test]
fn python_nested_just_under_the_limit_is_still_parsed() {
    let n = 250;
    let mut text: String = (0..n)
        .map(|i| format!("{}if x:\n", " ".repeat(i)))
        .collect();
    text.push_str(&" ".repeat(n));
    text.push_str("requests.get(\"https://chi-gateway.x.dev\")\n");
    let dir = project(&[("deep250.py", &text)]);
    let out = run(dir.path(), &["check", "--format", "concise", "deep250.py"]);
    out.assert_answered();
    assert_eq!(out.code, Some(1), "{}", cut(&out.stdout));
}

#[test]
fn deeply_nested_rust_is_skipped_with_a_note_not_a_stack_overflow() {
    let n = 1000;
    let files = [
        (
            "blocks.rs",
            format!(
                "fn f(){}{}}}\n// chi-gateway\n",
                "{".repeat(n),
                "}".repeat(n)
            ),
        ),
        (
            "parens.rs",
            format!(
                "const A: &str = {}\"https://chi-gateway.x.dev\"{};\n",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "types.rs",
            format!(
                "type A = {}u8{};\nconst B: &str = \"https://chi-gateway.x.dev\";\n",
                "Vec<".repeat(n),
                ">".repeat(n)
            ),
        ),
    ];
    let host = "const U: &str = \"https://chi-gateway.x.dev\";\n";
    let prefixes = [
        (
            "not.rs",
            format!("fn f() {{ let a = {}true; }}\n{host}", "!".repeat(100_000)),
        ),
        (
            "refs.rs",
            format!("fn f() {{ let a = {}1; }}\n{host}", "&".repeat(100_000)),
        ),
        (
            "neg.rs",
            format!("fn f() {{ let a = {}1; }}\n{host}", "- ".repeat(100_000)),
        ),
    ];
    for (name, text) in files.iter().chain(&prefixes) {
        let dir = project(&[(name, text)]);
        let out = run(dir.path(), &["check", "--verbose", name]);
        out.assert_answered();
        assert!(
            out.stdout.contains("not parsed"),
            "{name}: {}",
            cut(&out.stdout)
        );
    }
}

#[test]
fn deeply_nested_typescript_and_python_end_in_an_answer() {
    let n = 20_000;
    let url = "'https://chi-gateway.x.dev'";
    let files = [
        (
            "calls.ts",
            format!("const a = {}{url}{};\n", "f(".repeat(n), ")".repeat(n)),
        ),
        (
            "objects.ts",
            format!("const a = {}{url}{};\n", "{a:".repeat(n), "}".repeat(n)),
        ),
        (
            "ternary.ts",
            format!("const a = {}{url};\n", "x ? 1 : ".repeat(n)),
        ),
        (
            "arrows.ts",
            format!("const a = {}{url};\n", "() => ".repeat(n)),
        ),
        (
            "member.ts",
            format!("const a = x{};\nconst u = {url};\n", ".b".repeat(n)),
        ),
        (
            "calls.py",
            format!("a = {}{url}{}\n", "f(".repeat(n), ")".repeat(n)),
        ),
        ("unary.py", format!("a = {}{url}\n", "not ".repeat(n))),
        ("lambda.py", format!("a = {}{url}\n", "lambda: ".repeat(n))),
    ];
    for (name, text) in &files {
        let dir = project(&[(name, text)]);
        let out = run(dir.path(), &["check", "--format", "concise", name]);
        out.assert_answered();
        assert_eq!(out.code, Some(1), "{name}: {}", cut(&out.stdout));
    }
}

fn query_rule(query: &str) -> String {
    format!(
        "[[rule]]\nid = \"q-rule\"\nkind = \"tree-sitter-query\"\nmessage = \"m\"\n\
         [rule.options]\nlanguage = \"typescript\"\nquery = '''{query}'''\n"
    )
}

#[test]
fn a_query_nested_sixty_thousand_deep_is_a_config_error() {
    let config = query_rule(&"(".repeat(60_000));
    let dir = project(&[
        ("plumbline.toml", &config),
        ("a.ts", "export const a = 1;\n"),
    ]);
    let out = run(dir.path(), &["check", "."]);
    out.assert_answered();
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("nests parentheses"),
        "{}",
        cut(&out.stderr)
    );
    assert!(out.stderr.len() < 5_000, "{} bytes", out.stderr.len());
}

#[test]
fn a_query_rule_file_nested_too_deep_is_a_config_error() {
    let rule = format!(
        "id = \"q-rule\"\nkind = \"tree-sitter-query\"\nmessage = \"m\"\n[options]\n\
         language = \"typescript\"\nquery = '''{}'''\n",
        "(".repeat(60_000)
    );
    let dir = project(&[
        (".plumbline/rules/q-rule.toml", &rule),
        ("a.ts", "export const a = 1;\n"),
    ]);
    let out = run(dir.path(), &["check", "."]);
    out.assert_answered();
    assert_eq!(out.code, Some(2));
}

#[test]
fn a_query_error_on_a_long_line_shows_a_window_not_the_whole_query() {
    let query = format!("{}(identifier) @x)", "(identifier) @a ".repeat(6_000));
    let config = query_rule(&query);
    let dir = project(&[
        ("plumbline.toml", &config),
        ("a.ts", "export const a = 1;\n"),
    ]);
    let out = run(dir.path(), &["check", "."]);
    out.assert_answered();
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("does not compile"),
        "{}",
        cut(&out.stderr)
    );
    assert!(out.stderr.len() < 5_000, "{} bytes", out.stderr.len());
}

#[test]
fn long_concatenation_chains_fold_in_linear_time() {
    let terms = 10_000;
    let chain = format!("const a = {}'y';\n// chi-gateway\n", "'x' + ".repeat(terms));
    let right = format!(
        "const b = {}'https://chi-gateway.x.dev'{};\n",
        "'x' + (".repeat(2_000),
        ")".repeat(2_000)
    );
    let dir = project(&[("chain.ts", &chain), ("right.ts", &right)]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    out.assert_answered();
    assert!(out.stdout.contains("right.ts"), "{}", cut(&out.stdout));
    assert!(out.took < Duration::from_secs(20), "took {:?}", out.took);
}

#[test]
fn a_logging_call_with_many_arguments_is_linear() {
    // Each logged name once looked for its enclosing function by walking up
    // from itself, and tree-sitter finds a parent by walking down from the
    // root: quadratic in a call with tens of thousands of arguments.
    let args = "token, ".repeat(40_000);
    let text = format!("import logging\nlogger = logging.getLogger()\n\ndef f(token):\n    logger.info({args}token)\n");
    let dir = project(&[("big.py", &text)]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    out.assert_answered();
    assert!(
        out.stdout.contains("credential-in-log"),
        "{}",
        cut(&out.stdout)
    );
    assert!(out.took < Duration::from_secs(20), "took {:?}", out.took);
}

#[test]
fn many_lookups_of_a_module_constant_are_linear() {
    // A constant used to be found by walking the module once per use.
    let uses = "def f(client):\n    return client.table(TABLE).select('*')\n".repeat(8_000);
    let text = format!("TABLE = \"cloud_provider_integrations\"\n{uses}");
    let dir = project(&[("store.py", &text)]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    out.assert_answered();
    assert!(out.stdout.contains("8000 errors"), "{}", cut(&out.stdout));
    assert!(out.took < Duration::from_secs(20), "took {:?}", out.took);
}

#[test]
fn many_lookups_of_a_typescript_constant_are_linear() {
    let uses: String = (0..8_000)
        .map(|i| format!("export const f{i} = (db: Db) => db.from(TABLE).select('*');\n"))
        .collect();
    let text = format!("const TABLE = 'cloud_provider_integrations';\n{uses}");
    let dir = project(&[("store.ts", &text)]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    out.assert_answered();
    assert!(out.stdout.contains("8000 errors"), "{}", cut(&out.stdout));
    assert!(out.took < Duration::from_secs(20), "took {:?}", out.took);
}

#[test]
fn deep_dicts_and_templates_are_linear() {
    let n = 10_000;
    let dict = format!(
        "a = {}'https://chi-gateway.example.workers.dev'{}\n",
        "{'a':".repeat(n),
        "}".repeat(n)
    );
    let template = format!(
        "const a = `{}chi-gateway.x.dev{}`;\n",
        "${`".repeat(n),
        "`}".repeat(n)
    );
    let dir = project(&[("dict.py", &dict), ("tpl.ts", &template)]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    out.assert_answered();
    assert!(out.took < Duration::from_secs(20), "took {:?}", out.took);
}

#[test]
fn ten_thousand_forbidden_hosts_load_quickly() {
    let hosts: Vec<String> = (0..10_000).map(|i| format!("\"host{i}-gw\"")).collect();
    let config = format!("[gateway]\nforbidden_hosts = [{}]\n", hosts.join(","));
    let dir = project(&[
        ("plumbline.toml", &config),
        (
            "src/a.ts",
            "export const a = 'https://host9999-gw.x.dev';\n",
        ),
    ]);
    let out = run(dir.path(), &["check", "--format", "concise", "."]);
    out.assert_answered();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.took < Duration::from_secs(30), "took {:?}", out.took);
}

#[test]
fn a_nested_config_that_cannot_be_read_is_an_error_naming_it() {
    use std::os::unix::fs::symlink;
    let violation = "export const U = 'https://chi-gateway.x.dev/p';\n";
    type Case = (&'static str, &'static str, fn(&Path));
    let cases: [Case; 4] = [
        ("dir", "is a folder", |d| {
            std::fs::create_dir(d.join("plumbline.toml")).unwrap()
        }),
        ("dangling", "does not exist", |d| {
            symlink("missing.toml", d.join("plumbline.toml")).unwrap()
        }),
        ("loop", "loop", |d| {
            symlink("loop2", d.join("plumbline.toml")).unwrap();
            symlink("plumbline.toml", d.join("loop2")).unwrap();
        }),
        ("dev", "is a device", |d| {
            symlink("/dev/zero", d.join("plumbline.toml")).unwrap()
        }),
    ];
    for (name, why, make) in cases {
        let dir = project(&[
            (
                "plumbline.toml",
                "[gateway]\nforbidden_hosts = [\"chi-gateway\"]\n",
            ),
            (&format!("{name}/x.ts"), violation),
        ]);
        make(&dir.path().join(name));
        let out = run(dir.path(), &["check", "--format", "concise", "."]);
        out.assert_answered();
        assert_eq!(out.code, Some(2), "{name}: {}", out.stdout);
        assert!(
            out.stderr.contains(&format!("{name}/plumbline.toml")) && out.stderr.contains(why),
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn config_flag_naming_a_folder_or_device_says_what_it_is() {
    let dir = project(&[("a.ts", "export const a = 1;\n")]);
    std::fs::create_dir(dir.path().join("cfg.toml")).unwrap();
    for (config, why) in [("cfg.toml", "is a folder"), ("/dev/zero", "is a device")] {
        let out = run(dir.path(), &["check", "--config", config, "."]);
        out.assert_answered();
        assert_eq!(out.code, Some(2));
        assert!(out.stderr.contains(why), "{config}: {}", out.stderr);
    }
}

#[test]
fn a_deeply_nested_brace_glob_names_the_glob_and_key() {
    let glob = format!("{}b{}", "{a,".repeat(2000), "}".repeat(2000));
    let config = format!("[files]\nexclude = [\"{glob}\"]\n");
    let dir = project(&[
        ("plumbline.toml", &config),
        ("a.ts", "export const a = 1;\n"),
    ]);
    let out = run(dir.path(), &["check", "."]);
    out.assert_answered();
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("files.exclude"), "{}", cut(&out.stderr));
    assert!(
        out.stderr.contains("nest 2000 deep"),
        "{}",
        cut(&out.stderr)
    );
    assert!(out.stderr.len() < 5_000, "{} bytes", out.stderr.len());
}

#[test]
fn an_explicitly_named_fifo_is_skipped_with_a_line_never_read() {
    let dir = project(&[]);
    let fifo = dir.path().join("f.ts");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let out = run_with(dir.path(), &["check", "f.ts"], &[], Duration::from_secs(20));
    out.assert_answered();
    assert_eq!(out.code, Some(0));
    assert!(
        out.stderr.contains("skipped f.ts: not a regular file"),
        "{}",
        out.stderr
    );
}

#[test]
fn hook_git_skips_a_staged_file_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project(&[("good.ts", "export const a = 1;\n")]);
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir.path())
            .output()
    };
    if git(&["init", "-q"]).is_err() {
        eprintln!("skipped: git is not available");
        return;
    }
    let bad = std::ffi::OsStr::from_bytes(b"bad\xffname.ts");
    std::fs::write(dir.path().join(bad), "x\n").unwrap();
    git(&["add", "-A"]).unwrap();
    let out = run(dir.path(), &["hook", "git"]);
    out.assert_answered();
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("name is not UTF-8"), "{}", out.stderr);
    assert!(out.stderr.contains("bad"), "{}", out.stderr);
}

#[test]
fn a_panicking_rule_is_an_internal_error_for_its_file_and_exit_2() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the panic switch exists in debug builds only");
        return;
    }
    let table = "import { createClient } from '@/lib/supabase/server';\n\
                 export async function f() {\n  const supabase = await createClient();\n  \
                 return supabase.from('cloud_provider_integrations').select('id');\n}\n";
    let dir = project(&[
        ("a.ts", "export const a = 'https://chi-gateway.x.dev';\n"),
        ("b.ts", table),
    ]);
    let out = run_with(
        dir.path(),
        &["check", "--format", "concise", "."],
        &[("PLUMBLINE_TEST_PANIC", "forbidden-gateway-host")],
        Duration::from_secs(60),
    );
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("error: a.ts: internal error"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("forbidden-gateway-host"),
        "{}",
        out.stderr
    );
    // The other file's findings are still reported.
    assert!(out.stdout.contains("b.ts"), "{}", out.stdout);
}

#[test]
fn rules_and_front_ends_deny_raw_string_slicing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for module in ["src/rules/mod.rs", "src/lang/mod.rs"] {
        let text = std::fs::read_to_string(root.join(module)).unwrap();
        assert!(
            text.contains("deny(clippy::string_slice)"),
            "{module} must deny clippy::string_slice: user text is sliced with \
             source::slice or str::get, never &text[a..b]"
        );
    }
}
