//! The fuzz targets and how each builds a case: front ends (`check` over
//! generated and mutated files), the config loader, the agent hook of every
//! agent, Codex `apply_patch`, and `check --fix`.

use crate::case::{Case, CaseFile, Content, Property, Step, PROJECT};
use crate::gen::{self, pick, size, Lang};
use crate::mutate::mutate;
use crate::seeds::{RuleSeed, SeedFile, Seeds};
use fastrand::Rng;
use serde_json::{json, Value};

/// Every target, in the order `--target all` runs them.
pub const TARGETS: &[&str] = &[
    "ts",
    "js",
    "python",
    "rust",
    "sql",
    "prisma",
    "env",
    "json",
    "yaml",
    "toml",
    "config",
    "hook-claude",
    "hook-codex",
    "hook-gemini",
    "hook-cursor",
    "hook-copilot",
    "apply-patch",
    "fix",
];

/// Target groups accepted by `--target`.
pub fn expand(name: &str) -> Option<Vec<&'static str>> {
    match name {
        "all" => Some(TARGETS.to_vec()),
        "frontends" => Some(TARGETS[..10].to_vec()),
        "hooks" => Some(TARGETS[11..17].to_vec()),
        _ => TARGETS
            .iter()
            .find(|target| **target == name)
            .map(|target| vec![*target]),
    }
}

fn lang_of_target(target: &str) -> Option<Lang> {
    let index = TARGETS[..10].iter().position(|t| *t == target)?;
    Some(Lang::ALL[index])
}

/// Builds case `index` of `target`.
pub fn build(target: &'static str, index: u64, rng: &mut Rng, seeds: &Seeds) -> Case {
    let (files, steps, property, origin) = if let Some(lang) = lang_of_target(target) {
        frontend(rng, seeds, lang)
    } else {
        match target {
            "config" => config_case(rng, seeds),
            "fix" => fix_case(rng, seeds),
            "apply-patch" => hook_case(rng, seeds, "codex", true),
            hook => hook_case(rng, seeds, hook.trim_start_matches("hook-"), false),
        }
    };
    Case {
        target,
        index,
        files,
        steps,
        property,
        origin,
    }
}

type Parts = (Vec<CaseFile>, Vec<Step>, Property, String);

/// A file of `lang`: generated, or a fixture of that language mutated.
fn source_file(rng: &mut Rng, seeds: &Seeds, lang: Lang) -> (CaseFile, String) {
    let pool = seeds.of(lang);
    if pool.is_empty() || rng.bool() {
        let name = lang.file_name(rng);
        let text = gen::generate(rng, lang);
        (
            CaseFile::file(name, text),
            format!("generated {}", lang_name(lang)),
        )
    } else {
        let seed = &pool[rng.usize(..pool.len())];
        let other = &pool[rng.usize(..pool.len())];
        let bytes = if rng.u8(..8) == 0 {
            seed.bytes.clone()
        } else {
            mutate(rng, &seed.bytes, &other.bytes)
        };
        let name = seed_file_name(rng, seed, lang);
        (
            CaseFile::file(name, bytes),
            format!("mutated fixtures/{}", seed.path),
        )
    }
}

fn lang_name(lang: Lang) -> &'static str {
    crate::seeds::lang_key(lang)
}

/// The seed's own file name (which the rules may care about), or a
/// generated one.
fn seed_file_name(rng: &mut Rng, seed: &SeedFile, lang: Lang) -> String {
    if rng.u8(..3) == 0 {
        return lang.file_name(rng);
    }
    let name = seed.path.rsplit('/').next().unwrap_or(&seed.path);
    if Lang::of_path(name).is_some() {
        let folder = pick(
            rng,
            &[
                "",
                "src/",
                "app/api/oauth/google/callback/",
                "supabase/migrations/",
            ],
        );
        format!("{folder}{name}")
    } else {
        lang.file_name(rng)
    }
}

/// `check` with a random but valid set of options.
fn check_step(rng: &mut Rng, paths: &[Vec<u8>]) -> (Step, bool) {
    let format = pick(
        rng,
        &[
            "human", "human", "human", "json", "json", "concise", "sarif", "github", "gitlab",
            "junit",
        ],
    );
    let mut args: Vec<Vec<u8>> = vec![
        b"check".to_vec(),
        b"--format".to_vec(),
        format.as_bytes().to_vec(),
        b"--color".to_vec(),
        pick(rng, &["never", "never", "always"]).as_bytes().to_vec(),
    ];
    if rng.u8(..4) == 0 {
        args.push(b"--verbose".to_vec());
    }
    if rng.u8(..5) == 0 {
        args.push(b"--no-ignore".to_vec());
    }
    if rng.u8(..6) == 0 {
        // --diff prints a diff, in no other format.
        args.drain(1..3);
        args.push(b"--diff".to_vec());
    }
    if rng.u8(..8) == 0 {
        args.push(b"--fail-on".to_vec());
        args.push(b"warning".to_vec());
    }
    if rng.u8(..3) == 0 && !paths.is_empty() {
        args.extend(paths.iter().cloned());
    }
    let json_output = matches!(format, "json" | "sarif") && !args.iter().any(|a| a == b"--diff");
    (Step { args, stdin: None }, json_output)
}

fn frontend(rng: &mut Rng, seeds: &Seeds, lang: Lang) -> Parts {
    let mut files = Vec::new();
    let mut origins = Vec::new();
    for _ in 0..rng.usize(1..4) {
        let (file, origin) = source_file(rng, seeds, lang);
        origins.push(format!("{} ({origin})", file.display()));
        files.push(file);
    }
    if rng.u8(..5) == 0 && !seeds.configs.is_empty() {
        let config = &seeds.configs[rng.usize(..seeds.configs.len())];
        files.push(CaseFile::file("plumbline.toml", config.bytes.clone()));
        origins.push(format!("plumbline.toml from fixtures/{}", config.path));
    }
    dedup_paths(&mut files);
    let paths: Vec<Vec<u8>> = files.iter().map(|file| file.path.clone()).collect();
    let (step, json_output) = check_step(rng, &paths);
    (
        files,
        vec![step],
        Property::ReadOnly { json_output },
        origins.join("; "),
    )
}

/// Later files with the same path as an earlier one are dropped.
fn dedup_paths(files: &mut Vec<CaseFile>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| {
        // A path that is a prefix folder of another would clash too.
        seen.insert(file.path.clone())
    });
    let paths: Vec<Vec<u8>> = files.iter().map(|file| file.path.clone()).collect();
    files.retain(|file| {
        let mut folder = file.path.clone();
        folder.push(b'/');
        !paths.iter().any(|other| other.starts_with(&folder))
    });
}

// ---------------------------------------------------------------- config

/// A TOML value of a random shape, mostly of the kind a config key expects.
fn toml_value(rng: &mut Rng, like: Option<&toml::Value>) -> String {
    let string_item = |rng: &mut Rng| -> String {
        let text = match rng.u8(..10) {
            0 => {
                let levels = size(rng);
                format!("{}a{}", "{".repeat(levels), ",b}".repeat(levels))
            }
            1 => "**/*.{ts,tsx}".to_string(),
            2 => "[".to_string(),
            3 => "(a|b)*".to_string(),
            4 => gen::word(rng).to_string(),
            5 => "x".repeat(size(rng) * 10),
            6 => "not a url".to_string(),
            7 => "*".to_string(),
            _ => pick(
                rng,
                &[
                    "chi-gateway",
                    "https://a.example",
                    "integration_*_status",
                    "revoke",
                    "Connector",
                    "src/**",
                ],
            )
            .to_string(),
        };
        toml::Value::String(text).to_string()
    };
    match (like, rng.u8(..10)) {
        (_, 0) => pick(
            rng,
            &[
                "1",
                "-1",
                "99999999999999999",
                "true",
                "1.5",
                "\"\"",
                "[]",
                "{}",
                "1979-05-27",
            ],
        )
        .to_string(),
        (Some(toml::Value::Array(_)), _) | (None, 1..=4) => {
            let count = if rng.u8(..30) == 0 {
                rng.usize(1000..12000)
            } else {
                size(rng)
            };
            let items: Vec<String> = (0..count)
                .map(|index| {
                    if count > 100 {
                        format!("\"host-{index}\"")
                    } else {
                        string_item(rng)
                    }
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        (Some(toml::Value::Boolean(_)), _) => pick(rng, &["true", "false"]).to_string(),
        (Some(toml::Value::Integer(_)), _) => {
            pick(rng, &["0", "1", "1048576", "-5", "18446744073709551615"]).to_string()
        }
        (Some(toml::Value::Table(_)), _) => "{ sync = [\"fetchDelta\"], x = [] }".to_string(),
        _ => string_item(rng),
    }
}

/// A value of the same type and shape as `like`: a list keeps its kind of
/// item (a glob stays a glob, a host a host) but changes length, sometimes
/// to thousands of items; a string gets a variant of itself.
fn plausible_value(rng: &mut Rng, like: &toml::Value) -> toml::Value {
    let variant = |rng: &mut Rng, text: &str, index: usize| -> String {
        match rng.u8(..6) {
            0 => format!("{text}{index}"),
            1 => format!("{text}é"),
            2 => text.replacen('*', "x*", 1),
            _ => text.to_string(),
        }
    };
    match like {
        toml::Value::Array(items) => {
            let strings: Vec<&str> = items.iter().filter_map(toml::Value::as_str).collect();
            if strings.is_empty() {
                return toml::Value::Array(Vec::new());
            }
            let count = match rng.u8(..40) {
                0 => rng.usize(1000..12000),
                1..=3 => 0,
                _ => size(rng).min(200),
            };
            let out = (0..count)
                .map(|index| {
                    let base = strings[index % strings.len()];
                    let text = if count > 200 {
                        format!("{base}{index}")
                    } else {
                        variant(rng, base, index)
                    };
                    toml::Value::String(text)
                })
                .collect();
            toml::Value::Array(out)
        }
        toml::Value::String(text) => {
            let index = rng.usize(..100);
            toml::Value::String(variant(rng, text, index))
        }
        toml::Value::Boolean(_) => toml::Value::Boolean(rng.bool()),
        toml::Value::Integer(number) => toml::Value::Integer(match rng.u8(..3) {
            0 => number.saturating_add(1),
            1 => number.saturating_mul(rng.i64(1..4)),
            _ => *number,
        }),
        other => other.clone(),
    }
}

const CONFIG_KEYS: &[(&str, &[&str])] = &[
    ("gateway", &["url", "forbidden_hosts", "owned_hosts"]),
    ("oauth", &["owner", "allow"]),
    ("supabase", &["tables", "columns", "service_role_factories"]),
    ("connectors", &["interfaces", "required"]),
    ("files", &["include", "exclude", "max_file_size"]),
    ("hook", &["block", "honor_new_suppressions", "fail_closed"]),
];

/// A plausible value for a top-level config key.
fn config_value(rng: &mut Rng, key: &str) -> toml::Value {
    let strings = |items: &[&str]| {
        toml::Value::Array(
            items
                .iter()
                .map(|item| toml::Value::String(item.to_string()))
                .collect(),
        )
    };
    let like = match key {
        "url" => toml::Value::String("https://gateway.example.dev".to_string()),
        "owner" => toml::Value::String(pick(rng, &["gateway", "app"]).to_string()),
        "block" => toml::Value::String(pick(rng, &["new", "all"]).to_string()),
        "honor_new_suppressions" | "fail_closed" => toml::Value::Boolean(rng.bool()),
        "max_file_size" => toml::Value::Integer(pick(rng, &[100, 1_048_576, 10_000_000])),
        "forbidden_hosts" | "owned_hosts" => strings(&[
            "chi-gateway",
            "legacy-api.acme.internal",
            "www.googleapis.com/drive",
        ]),
        "tables" => strings(&["cloud_provider_integrations", "connections"]),
        "columns" => strings(&["integration_*_status", "secret_*"]),
        "service_role_factories" => strings(&["createServiceRoleClient"]),
        "interfaces" => strings(&["Connector", "Provider"]),
        "required" => strings(&["revoke", "disconnect"]),
        "allow" | "include" | "exclude" => {
            strings(&["**/generated/**", "src/legacy/*.ts", ".config/**"])
        }
        _ => strings(&["x"]),
    };
    if matches!(key, "url" | "owner" | "block") {
        return like;
    }
    plausible_value(rng, &like)
}

/// A generated `plumbline.toml`: mostly one that loads (so the rules run
/// under it), sometimes a hostile one (wrong types, bad globs, huge lists).
fn generated_config(rng: &mut Rng, seeds: &Seeds) -> String {
    let hostile = rng.u8(..5) == 0;
    let mut out = String::new();
    for (section, keys) in CONFIG_KEYS {
        if rng.bool() {
            continue;
        }
        out.push_str(&format!("[{section}]\n"));
        for key in *keys {
            if rng.bool() {
                let value = if hostile {
                    toml_value(rng, None)
                } else {
                    config_value(rng, key).to_string()
                };
                out.push_str(&format!("{key} = {value}\n"));
            }
        }
        if hostile && rng.u8(..5) == 0 {
            out.push_str("unknown_key = 1\n");
        }
    }
    for _ in 0..rng.usize(0..3) {
        let rule = &seeds.rules[rng.usize(..seeds.rules.len())];
        out.push_str(&format!("[rules.{}]\n", rule.id));
        let severity = if hostile {
            pick(rng, &["\"error\"", "\"loud\"", "3"])
        } else {
            pick(rng, &["\"error\"", "\"warning\"", "\"info\"", "\"off\""])
        };
        out.push_str(&format!("severity = {severity}\n"));
        for (key, value) in &rule.options {
            if rng.u8(..3) == 0 {
                let text = if hostile {
                    toml_value(rng, Some(value))
                } else {
                    plausible_value(rng, value).to_string()
                };
                out.push_str(&format!("{key} = {text}\n"));
            }
        }
    }
    for index in 0..rng.usize(0..3) {
        out.push_str(&project_rule(
            rng,
            seeds,
            &format!("fuzz-rule-{index}"),
            true,
            hostile,
        ));
    }
    out
}

/// A project rule: a built-in kind with options taken from its built-in
/// instance and some of them changed, or a tree-sitter query.
fn project_rule(rng: &mut Rng, seeds: &Seeds, id: &str, inline: bool, hostile: bool) -> String {
    let (header, options_header) = if inline {
        ("[[rule]]\n", "[rule.options]\n")
    } else {
        ("", "[options]\n")
    };
    let mut out = format!(
        "{header}id = \"{id}\"\nmessage = \"{{host}} {{dependency}} é\"\nseverity = {}\n",
        pick(rng, &["\"error\"", "\"warning\"", "\"info\""])
    );
    if rng.u8(..3) == 0 || seeds.rules.is_empty() {
        out.push_str(&format!("kind = \"tree-sitter-query\"\n{options_header}"));
        out.push_str(&tree_sitter_query_options(rng, hostile));
        return out;
    }
    let rule: &RuleSeed = &seeds.rules[rng.usize(..seeds.rules.len())];
    out.push_str(&format!("kind = \"{}\"\n{options_header}", rule.kind));
    for (key, value) in &rule.options {
        let text = match (hostile, rng.u8(..4)) {
            (true, 0) => toml_value(rng, Some(value)),
            (false, 0) => plausible_value(rng, value).to_string(),
            _ => value.to_string(),
        };
        out.push_str(&format!("{key} = {text}\n"));
    }
    out
}

fn tree_sitter_query_options(rng: &mut Rng, hostile: bool) -> String {
    let language = if hostile {
        pick(
            rng,
            &["typescript", "tsx", "javascript", "python", "rust", ""],
        )
    } else {
        pick(rng, &["typescript", "tsx", "javascript", "python"])
    };
    let query = match rng.u8(..if hostile { 6 } else { 5 }) {
        0 => {
            let levels = size(rng) * if rng.u8(..10) == 0 { 20 } else { 1 };
            format!(
                "{}(identifier) @x{}",
                "(_ ".repeat(levels),
                ")".repeat(levels)
            )
        }
        1 | 2 if language == "python" => {
            "(call function: (identifier) @x (#eq? @x \"eval\"))".to_string()
        }
        1 | 2 => "(call_expression function: (identifier) @x (#match? @x \"^eval$\"))".to_string(),
        3 => "[(identifier) (string)] @x".to_string(),
        4 => "((identifier) @x (#eq? @x \"token\"))".to_string(),
        _ => format!("({} @x", gen::word(rng)),
    };
    format!(
        "language = \"{language}\"\nquery = {}\ncapture = \"{}\"\nliterals = [\"eval\", \"token\"]\n{}",
        toml::Value::String(query),
        if hostile { pick(rng, &["x", "call", "f", "nope"]) } else { "x" },
        if rng.bool() { "matches = \"(a+)+$\"\n" } else { "" }
    )
}

fn config_case(rng: &mut Rng, seeds: &Seeds) -> Parts {
    let mut files = Vec::new();
    let origin;
    let config = if rng.u8(..4) != 0 || seeds.configs.is_empty() {
        origin = "generated plumbline.toml".to_string();
        generated_config(rng, seeds).into_bytes()
    } else {
        let seed = &seeds.configs[rng.usize(..seeds.configs.len())];
        let other = generated_config(rng, seeds);
        origin = format!("mutated fixtures/{}", seed.path);
        mutate(rng, &seed.bytes, other.as_bytes())
    };
    files.push(CaseFile::file(
        pick(
            rng,
            &["plumbline.toml", "plumbline.toml", ".plumbline.toml"],
        ),
        config,
    ));
    for index in 0..rng.usize(0..3) {
        let hostile = rng.u8(..5) == 0;
        let text = project_rule(rng, seeds, &format!("file-rule-{index}"), false, hostile);
        let bytes = if rng.u8(..10) == 0 {
            mutate(rng, text.as_bytes(), b"")
        } else {
            text.into_bytes()
        };
        files.push(CaseFile::file(
            format!(".plumbline/rules/file-rule-{index}.toml"),
            bytes,
        ));
    }
    if rng.u8(..4) == 0 {
        let nested = pick(rng, &["web/plumbline.toml", "api/deep/plumbline.toml"]);
        files.push(match rng.u8(..4) {
            0 => CaseFile {
                path: nested.as_bytes().to_vec(),
                content: Content::Dir,
            },
            1 => CaseFile {
                path: nested.as_bytes().to_vec(),
                content: Content::Symlink("missing.toml".into()),
            },
            _ => CaseFile::file(nested, generated_config(rng, seeds)),
        });
    }
    for _ in 0..rng.usize(1..3) {
        let lang = pick(rng, &Lang::ALL);
        let name = format!("web/{}", lang.file_name(rng));
        files.push(CaseFile::file(name, gen::generate(rng, lang)));
    }
    dedup_paths(&mut files);
    let step = match rng.u8(..10) {
        0 => Step::new(&["config", "--show"]),
        1 => Step::new(&["rules"]),
        2 => {
            let id = if rng.bool() {
                "fuzz-rule-0".to_string()
            } else {
                seeds.rule_ids[rng.usize(..seeds.rule_ids.len())].clone()
            };
            Step::new(&["explain".to_string(), id])
        }
        3 => Step::new(&["test"]),
        _ => check_step(rng, &[]).0,
    };
    let json_output = step.args.first().is_some_and(|a| a == b"check")
        && step.args.iter().any(|a| a == b"json" || a == b"sarif")
        && !step.args.iter().any(|a| a == b"--diff");
    (
        files,
        vec![step],
        Property::ReadOnly { json_output },
        origin,
    )
}

// ---------------------------------------------------------------- hooks

/// The hook project, sometimes with extra files: generated sources, a
/// named pipe and a link to a device that never ends (the hook must not
/// read either forever), a changed config.
fn hook_project(rng: &mut Rng, seeds: &Seeds) -> Vec<CaseFile> {
    let mut files: Vec<CaseFile> = seeds
        .hook_project
        .iter()
        .map(|seed| CaseFile::file(seed.path.as_bytes(), seed.bytes.clone()))
        .collect();
    if rng.u8(..3) == 0 {
        let lang = pick(rng, &Lang::ALL);
        files.push(CaseFile::file(
            format!("src/extra/{}", lang.file_name(rng)),
            gen::generate(rng, lang),
        ));
    }
    if rng.u8(..12) == 0 {
        files.push(CaseFile {
            path: b"src/lib/pipe.ts".to_vec(),
            content: Content::Fifo,
        });
    }
    if rng.u8(..12) == 0 {
        files.push(CaseFile {
            path: b"src/lib/zero.ts".to_vec(),
            content: Content::Symlink("/dev/zero".into()),
        });
    }
    if rng.u8(..10) == 0 {
        let config = generated_config(rng, seeds);
        files.retain(|file| file.path != b"plumbline.toml");
        files.push(CaseFile::file("plumbline.toml", config));
    }
    files
}

/// A path a tool call might name: a project file (existing or new), or
/// something hostile.
fn tool_path(rng: &mut Rng, files: &[CaseFile]) -> String {
    match rng.u8(..12) {
        0..=4 => {
            let file = &files[rng.usize(..files.len())];
            format!("{PROJECT}/{}", file.display())
        }
        5 | 6 => format!("{PROJECT}/{}", pick(&mut *rng, &Lang::ALL).file_name(rng)),
        7 => pick(
            rng,
            &[
                "/etc/hosts",
                "../outside.ts",
                "src/lib/gateway.ts",
                "__PROJECT__/../x.ts",
                "__PROJECT__/src/../../escape.ts",
                "__PROJECT__/src",
                "__PROJECT__/src/lib/pipe.ts",
                "__PROJECT__/src/lib/zero.ts",
                "/dev/zero",
                "",
                "~/.bashrc",
                "__PROJECT__/plumbline.toml",
                "__PROJECT__/.claude/settings.json",
                "__PROJECT__/.plumbline/rules/x.toml",
                "__PROJECT__/a\u{0}b.ts",
                "__PROJECT__/é/ü.ts",
                "__PROJECT__//src///lib/./gateway.ts",
            ],
        )
        .to_string(),
        8 => format!("{PROJECT}/{}.ts", "d/".repeat(size(rng))),
        _ => format!("{PROJECT}/src/lib/gateway.ts"),
    }
}

/// Text that occurs in the file at `path` (so an edit applies), or not.
fn old_text(rng: &mut Rng, files: &[CaseFile], path: &str) -> String {
    let relative = path.strip_prefix(&format!("{PROJECT}/")).unwrap_or(path);
    let existing = files.iter().find_map(|file| match &file.content {
        Content::File { bytes, .. } if file.path == relative.as_bytes() => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        _ => None,
    });
    match existing {
        Some(text) if !text.is_empty() && rng.u8(..5) != 0 => {
            let chars: Vec<char> = text.chars().collect();
            let start = rng.usize(..chars.len());
            let end = (start + rng.usize(1..80)).min(chars.len());
            chars[start..end].iter().collect()
        }
        _ => match rng.u8(..4) {
            0 => String::new(),
            1 => "'GET'".to_string(),
            _ => gen::word(rng).to_string(),
        },
    }
}

/// New text for a file at `path`, in its language when it has one.
fn new_text(rng: &mut Rng, path: &str) -> String {
    let lang = Lang::of_path(path).unwrap_or(Lang::TypeScript);
    if rng.u16(..150) == 0 {
        // Far past `check`'s default size limit.
        let line = "export const GATEWAY_URL = 'https://diiiploy-gateway.diiiploy.workers.dev';\n";
        return line.repeat(rng.usize(20_000..250_000));
    }
    match rng.u8(..6) {
        0 => gen::word(rng).repeat(size(rng)),
        1 => "export const GATEWAY_URL = 'https://chi-gateway.example.workers.dev';\n".to_string(),
        _ => gen::generate(rng, lang),
    }
}

fn bash_command(rng: &mut Rng) -> String {
    let lang = pick(rng, &[Lang::TypeScript, Lang::Python, Lang::Env]);
    let body = gen::generate(rng, lang);
    let file = pick(
        rng,
        &[
            "src/x.ts",
            "app.py",
            ".env",
            "/tmp/x",
            "src/lib/pipe.ts",
            "a b.ts",
        ],
    );
    match rng.u8(..9) {
        0 => format!("cat > {file} <<'EOF'\n{body}EOF\n"),
        1 => format!("tee {file} <<EOF\n{body}EOF"),
        2 => format!("echo '{}' > {file}", body.replace('\'', "")),
        3 => format!(
            "curl -s {}",
            pick(
                rng,
                &[
                    "https://chi-gateway.example.workers.dev/health",
                    "https://é.example",
                    "'$(x)'"
                ]
            )
        ),
        4 => "psql -c \"select * from cloud_provider_integrations\"".to_string(),
        5 => format!("cat > {file} <<EOF\n{body}"),
        6 => {
            let levels = size(rng);
            format!("{}ls{}", "$(".repeat(levels), ")".repeat(levels))
        }
        7 => format!("cat <<A > x.ts; cat <<B > y.py\n{body}\nA\n{body}\nB\n"),
        _ => pick(
            rng,
            &["ls -la", "", "git status && npm test", "echo ${X:-y}"],
        )
        .to_string(),
    }
}

/// A Codex `apply_patch` text over the project's files.
fn apply_patch_text(rng: &mut Rng, files: &[CaseFile]) -> String {
    let mut patch = String::from("*** Begin Patch\n");
    for _ in 0..rng.usize(1..4) {
        let path = tool_path(rng, files);
        let relative = path
            .strip_prefix(&format!("{PROJECT}/"))
            .unwrap_or(&path)
            .to_string();
        match rng.u8(..5) {
            0 => {
                patch.push_str(&format!("*** Add File: {relative}\n"));
                for line in new_text(rng, &relative).lines() {
                    patch.push_str(&format!("+{line}\n"));
                }
            }
            1 => patch.push_str(&format!("*** Delete File: {relative}\n")),
            _ => {
                patch.push_str(&format!("*** Update File: {relative}\n"));
                if rng.u8(..4) == 0 {
                    patch.push_str(&format!(
                        "*** Move to: {}\n",
                        pick(
                            rng,
                            &["src/moved.ts", "../out.ts", "src/lib/legacy.ts", "x/é.py"]
                        )
                    ));
                }
                let old = old_text(rng, files, &path);
                let old_lines: Vec<&str> = old.lines().collect();
                for _ in 0..rng.usize(1..3) {
                    let context = old_lines.first().copied().unwrap_or("");
                    patch.push_str(&format!("@@ {context}\n"));
                    for (index, line) in old_lines.iter().enumerate() {
                        let mark = if index == 0 { ' ' } else { '-' };
                        patch.push_str(&format!("{mark}{line}\n"));
                    }
                    for line in new_text(rng, &relative).lines().take(20) {
                        patch.push_str(&format!("+{line}\n"));
                    }
                }
                if rng.u8(..5) == 0 {
                    patch.push_str("*** End of File\n");
                }
            }
        }
    }
    if rng.u8(..10) != 0 {
        patch.push_str("*** End Patch\n");
    }
    patch
}

/// The `tool_input` (and tool name) of one tool call in `agent`'s shape.
fn tool_call(rng: &mut Rng, agent: &str, files: &[CaseFile], patch_only: bool) -> (String, Value) {
    let path = tool_path(rng, files);
    let old = old_text(rng, files, &path);
    let new = new_text(rng, &path);
    if patch_only || (agent == "codex" && rng.u8(..3) != 0) {
        return (
            "apply_patch".to_string(),
            json!({ "command": apply_patch_text(rng, files) }),
        );
    }
    let choice = rng.u8(..6);
    match (agent, choice) {
        (_, 0) => {
            let tool = match agent {
                "gemini" => "run_shell_command",
                "cursor" => "Shell",
                "copilot" => "bash",
                _ => "Bash",
            };
            (tool.to_string(), json!({ "command": bash_command(rng) }))
        }
        ("claude", 1) if rng.u8(..10) == 0 => {
            // Each edit doubles the text the one before produced.
            let mut edits = vec![json!({ "old_string": old, "new_string": "a" })];
            for _ in 0..rng.usize(5..45) {
                edits.push(json!({ "old_string": "a", "new_string": "aa", "replace_all": true }));
            }
            (
                "MultiEdit".to_string(),
                json!({ "file_path": path, "edits": edits }),
            )
        }
        ("claude", 1) => (
            "MultiEdit".to_string(),
            json!({ "file_path": path, "edits": (0..rng.usize(0..4)).map(|_| json!({
                "old_string": old_text(rng, files, &path), "new_string": new_text(rng, &path),
                "replace_all": rng.bool() })).collect::<Vec<_>>() }),
        ),
        ("claude", 2) => (
            "NotebookEdit".to_string(),
            json!({ "notebook_path": format!("{PROJECT}/notebooks/analysis.ipynb"),
                    "cell_id": pick(rng, &["a1b2c3d4", "e5f6a7b8", "c9d0e1f2", "nope", ""]),
                    "new_source": gen::generate(rng, Lang::Python),
                    "cell_type": pick(rng, &["code", "markdown", "raw"]),
                    "edit_mode": pick(rng, &["replace", "insert", "delete", "other"]) }),
        ),
        ("claude", 3) | ("cursor", 3) | ("cursor", 4) => (
            "Write".to_string(),
            json!({ "file_path": path, "content": new }),
        ),
        ("claude", _) => (
            "Edit".to_string(),
            json!({ "file_path": path, "old_string": old, "new_string": new, "replace_all": rng.bool() }),
        ),
        ("gemini", 1 | 2) => (
            "write_file".to_string(),
            json!({ "file_path": path, "content": new }),
        ),
        ("gemini", _) => {
            let mut input = json!({ "file_path": path, "old_string": old, "new_string": new });
            if rng.bool() {
                input["expected_replacements"] = json!(rng.u32(0..4));
            }
            if rng.u8(..3) == 0 {
                input["allow_multiple"] = json!(true);
            }
            ("replace".to_string(), input)
        }
        ("codex", _) => (
            "apply_patch".to_string(),
            json!({ "command": apply_patch_text(rng, files) }),
        ),
        ("copilot", 1 | 2) => (
            "create".to_string(),
            json!({ "path": path, "file_text": new }),
        ),
        ("copilot", 3) => ("view".to_string(), json!({ "path": path })),
        ("copilot", _) => (
            "edit".to_string(),
            json!({ "path": path, "old_str": old, "new_str": new }),
        ),
        _ => (
            "Write".to_string(),
            json!({ "file_path": path, "content": new }),
        ),
    }
}

/// A whole payload in `agent`'s envelope.
fn payload(agent: &str, tool: String, input: Value, rng: &mut Rng) -> Value {
    match agent {
        "copilot" => {
            let args = if rng.u8(..4) == 0 {
                input
            } else {
                Value::String(input.to_string())
            };
            json!({ "sessionId": "5e2d8c1a", "timestamp": 1763633742318u64, "cwd": PROJECT,
                    "toolName": tool, "toolArgs": args })
        }
        "cursor" => json!({ "conversation_id": "c0ffee00", "generation_id": "9f8e7d6c",
            "model": "m", "hook_event_name": "preToolUse", "cursor_version": "2.1.32",
            "workspace_roots": [PROJECT], "tool_name": tool, "tool_input": input,
            "tool_use_id": "tool_1", "cwd": PROJECT }),
        "gemini" => json!({ "session_id": "b7e0c4d2", "transcript_path": "~/.gemini/t.json",
            "cwd": PROJECT, "hook_event_name": "BeforeTool", "timestamp": "2025-11-20T10:15:42.318Z",
            "tool_name": tool, "tool_input": input }),
        _ => json!({ "session_id": "3f1c2a9e", "transcript_path": "~/.claude/t.jsonl",
            "cwd": PROJECT, "permission_mode": "default", "hook_event_name": "PreToolUse",
            "tool_name": tool, "tool_input": input, "tool_use_id": "toolu_1" }),
    }
}

/// Changes one node of a JSON document: its value, its type, its presence.
fn mutate_json(rng: &mut Rng, value: &mut Value, depth: usize) {
    let descend = depth < 8 && rng.u8(..3) != 0;
    match value {
        Value::Object(map) if descend && !map.is_empty() => {
            let key = map
                .keys()
                .nth(rng.usize(..map.len()))
                .cloned()
                .unwrap_or_default();
            match rng.u8(..6) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(format!("{key}_extra"), json!(gen::word(rng)));
                }
                _ => {
                    if let Some(child) = map.get_mut(&key) {
                        mutate_json(rng, child, depth + 1);
                    }
                }
            }
            return;
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let at = rng.usize(..items.len());
            mutate_json(rng, &mut items[at], depth + 1);
            return;
        }
        Value::String(text) if rng.bool() => {
            let splice = gen::word(rng);
            let mutated = mutate(rng, text.as_bytes(), splice.as_bytes());
            *text = String::from_utf8_lossy(&mutated).into_owned();
            return;
        }
        _ => {}
    }
    *value = match rng.u8(..9) {
        0 => Value::Null,
        1 => json!(rng.i64(..)),
        2 => json!(1e300),
        3 => json!(true),
        4 => json!([]),
        5 => json!({}),
        6 => json!(gen::word(rng).repeat(size(rng) * 10)),
        7 => {
            let levels = size(rng);
            let mut nested = json!(1);
            for _ in 0..levels.min(3000) {
                nested = json!([nested]);
            }
            nested
        }
        _ => json!(format!("{PROJECT}/{}", gen::word(rng))),
    };
}

/// Serializes a payload; nesting deeper than serde_json's own limit is
/// written by hand, so the hook meets it too.
fn payload_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

fn hook_case(rng: &mut Rng, seeds: &Seeds, agent: &str, patch_only: bool) -> Parts {
    let files = hook_project(rng, seeds);
    let pool = seeds.payloads.get(agent).map(Vec::as_slice).unwrap_or(&[]);
    let (mut value, mut origin) = if !patch_only && !pool.is_empty() && rng.u8(..3) == 0 {
        let seed = &pool[rng.usize(..pool.len())];
        let value = serde_json::from_slice(&seed.bytes).unwrap_or(Value::Null);
        (value, format!("fixtures/{}", seed.path))
    } else {
        let (tool, input) = tool_call(rng, agent, &files, patch_only);
        let origin = format!("generated {agent} {tool}");
        (payload(agent, tool, input, rng), origin)
    };
    if rng.u8(..3) == 0 {
        for _ in 0..rng.usize(1..4) {
            mutate_json(rng, &mut value, 0);
        }
        origin.push_str(", fields mutated");
    }
    let mut stdin = payload_bytes(&value);
    if rng.u8(..10) == 0 {
        stdin = mutate(rng, &stdin, b"");
        origin.push_str(", text mutated");
    }
    let named_agent = rng.u8(..7) != 0;
    let fail_closed = rng.u8(..4) == 0;
    let mut args: Vec<String> = vec!["hook".to_string()];
    if named_agent {
        args.push(agent.to_string());
    }
    if fail_closed {
        args.push("--fail-closed".to_string());
    }
    if rng.u8(..10) == 0 {
        args.push("--all".to_string());
    }
    let mut step = Step::new(&args);
    step.stdin = Some(stdin);
    (
        files,
        vec![step],
        Property::Hook {
            fail_closed,
            named_agent,
        },
        origin,
    )
}

// ---------------------------------------------------------------- --fix

fn fix_case(rng: &mut Rng, seeds: &Seeds) -> Parts {
    let fixable = [
        Lang::TypeScript,
        Lang::JavaScript,
        Lang::Python,
        Lang::Rust,
        Lang::Json,
        Lang::Yaml,
        Lang::Toml,
        Lang::Env,
    ];
    let mut files = Vec::new();
    let mut origins = Vec::new();
    for _ in 0..rng.usize(1..5) {
        let lang = pick(rng, &fixable);
        let (mut file, origin) = if rng.bool() {
            let pool: Vec<&SeedFile> = seeds
                .of(lang)
                .iter()
                .filter(|seed| seed.path.starts_with("forbidden-gateway-host/"))
                .collect();
            if pool.is_empty() {
                source_file(rng, seeds, lang)
            } else {
                let seed = pool[rng.usize(..pool.len())];
                let bytes = if rng.u8(..3) == 0 {
                    seed.bytes.clone()
                } else {
                    {
                        let splice = gen::word(rng);
                        mutate(rng, &seed.bytes, splice.as_bytes())
                    }
                };
                (
                    CaseFile::file(seed_file_name(rng, seed, lang), bytes),
                    format!("fixtures/{}", seed.path),
                )
            }
        } else {
            source_file(rng, seeds, lang)
        };
        match rng.u8(..20) {
            0 => {
                // A name that is not UTF-8.
                let mut path = file.path.clone();
                let at = path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
                path.splice(at..at, [b'n', 0xff, b'-']);
                file.path = path;
            }
            1 => {
                if let Content::File { mode, .. } = &mut file.content {
                    *mode = pick(rng, &[0o444, 0o600, 0o755, 0o640]);
                }
            }
            _ => {}
        }
        origins.push(format!("{} ({origin})", file.display()));
        files.push(file);
    }
    dedup_paths(&mut files);
    let check = Step::new(&[
        "check",
        "--format",
        "json",
        "--color",
        "never",
        "--fail-on",
        "warning",
    ]);
    let fix = Step::new(&["check", "--fix", "--color", "never"]);
    (files, vec![check, fix], Property::Fix, origins.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> Seeds {
        Seeds::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn every_target_builds_deterministic_cases() {
        let seeds = seeds();
        for target in TARGETS {
            for index in 0..30 {
                let a = build(target, index, &mut Rng::with_seed(index), &seeds);
                let b = build(target, index, &mut Rng::with_seed(index), &seeds);
                assert_eq!(
                    format!("{:?}", a.files),
                    format!("{:?}", b.files),
                    "{target}"
                );
                assert_eq!(
                    format!("{:?}", a.steps),
                    format!("{:?}", b.steps),
                    "{target}"
                );
                assert!(!a.steps.is_empty());
            }
        }
    }

    #[test]
    fn hook_payloads_are_mostly_valid_json_in_the_agents_shape() {
        let seeds = seeds();
        for agent in ["claude", "codex", "gemini", "cursor", "copilot"] {
            let mut valid = 0;
            for index in 0..100 {
                let (_, steps, _, _) = hook_case(&mut Rng::with_seed(index), &seeds, agent, false);
                let stdin = steps[0].stdin.as_ref().unwrap();
                if serde_json::from_slice::<serde_json::Map<String, Value>>(stdin).is_ok() {
                    valid += 1;
                }
            }
            assert!(
                valid >= 70,
                "{agent}: {valid} of 100 payloads are JSON objects"
            );
        }
    }

    #[test]
    fn groups_expand_to_their_targets() {
        assert_eq!(expand("all").unwrap().len(), TARGETS.len());
        assert_eq!(expand("frontends").unwrap().len(), 10);
        assert_eq!(
            expand("hooks").unwrap(),
            vec![
                "hook-claude",
                "hook-codex",
                "hook-gemini",
                "hook-cursor",
                "hook-copilot",
                "apply-patch"
            ]
        );
        assert!(expand("nope").is_none());
    }
}
