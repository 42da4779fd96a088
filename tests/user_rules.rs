//! User-defined rules: every built-in kind runs through a project's own
//! instance with non-default options, and the commands that list, explain,
//! test and scaffold rules see them.

use std::path::Path;
use std::process::Command;

use plumbline::rules::KINDS;

fn plumbline(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("plumbline runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A file: (path, contents).
type File = (&'static str, &'static str);

/// One project rule per kind: (kind, options, file that must fire, file
/// that must not). Options differ from every built-in instance's.
const CASES: &[(&str, &str, File, File)] = &[
    (
        "forbidden-table",
        r#"tables = ["legacy_accounts"]"#,
        ("fail.ts", "await db.from('legacy_accounts').select('*');\n"),
        ("pass.ts", "await db.from('cloud_provider_integrations').select('*');\n"),
    ),
    (
        "forbidden-column-write",
        r#"columns = ["crm_*_synced_at"]"#,
        ("fail.ts", "await db.from('orgs').update({ crm_hubspot_synced_at: now });\n"),
        ("pass.ts", "await db.from('orgs').update({ integration_gcp_status: 'ok' });\n"),
    ),
    (
        "forbidden-call-in-scope",
        r#"functions = ["createAdminClient"]
paths = ["**/billing/**"]
tables = ["invoices"]
columns = []
key_markers = []
client_constructors = []"#,
        ("billing/sync.ts", "const db = createAdminClient();\n"),
        ("profile/sync.ts", "const db = createAdminClient();\n"),
    ),
    (
        "forbidden-definition",
        r#"names = ["sync*ToSheets"]"#,
        ("fail.ts", "export async function syncLeadsToSheets() {}\n"),
        ("pass.ts", "export async function saveGcpIntegrationStatus() {}\n"),
    ),
    (
        "forbidden-host",
        r#"hosts = ["old-crm"]
gateway_url = "https://crm.example.com""#,
        ("fail.ts", "fetch('https://old-crm.example.dev/v1/leads');\n"),
        ("pass.ts", "fetch('https://chi-gateway.example.dev/v1/leads');\n"),
    ),
    (
        "forbidden-route",
        r#"owner = "gateway"
segments = ["sso"]"#,
        ("server.ts", "app.get('/sso/callback', (req, res) => res.send('ok'));\n"),
        ("routes.ts", "app.get('/sessions/callback', (req, res) => res.send('ok'));\n"),
    ),
    (
        "required-member",
        r#"interfaces = ["Exporter"]
members = ["flush"]"#,
        ("fail.ts", "class CsvExporter implements Exporter {\n  write() {}\n}\n"),
        ("pass.ts", "class CsvExporter implements Exporter {\n  write() {}\n  flush() { this.out.end(); }\n}\n"),
    ),
    (
        "stub-body",
        r#"interfaces = ["Exporter"]
members = ["flush"]"#,
        ("fail.ts", "class CsvExporter implements Exporter {\n  flush() {}\n}\n"),
        ("pass.ts", "class CsvExporter implements Exporter {\n  flush() { this.out.end(); }\n}\n"),
    ),
    (
        "forbidden-dependency",
        r#"hosts = ["api.hubapi.com/crm"]
modules = ["@hubspot/api-client"]"#,
        ("fail.ts", "import { Client } from '@hubspot/api-client';\n"),
        ("pass.ts", "import { google } from 'googleapis';\nfetch('https://api.hubapi.com/oauth/v1/x');\n"),
    ),
    (
        "oauth-url-construction",
        r#"owner = "gateway"
endpoints = ["login.acme.dev/authorize"]
functions = ["makeLoginUrl"]"#,
        ("fail.ts", "const url = makeLoginUrl(state);\n"),
        ("pass.ts", "const url = generateAuthUrl(state);\n"),
    ),
    (
        "manifest-schema",
        r#"files = ["**/*.plugin.ts"]
categories = ["Sales"]
auth_types = ["oauth2"]
capabilities = ["sync"]
handler_methods = ["ping"]
capability_methods = {}"#,
        (
            "crm.plugin.ts",
            "export const manifest = { id: 'crm', name: 'CRM', description: 'Deals', category: 'Chat', auth: { type: 'oauth2' }, capabilities: ['sync'], handler: { ping() { return true; } } };\n",
        ),
        (
            "erp.plugin.ts",
            "export const manifest = { id: 'erp', name: 'ERP', description: 'Ledgers', category: 'Sales', auth: { type: 'oauth2' }, capabilities: ['sync'], handler: { ping() { return true; } } };\n",
        ),
    ),
    (
        "manifest-registration",
        r#"registry = "app/registry.ts"
files = ["app/*.manifest.ts"]"#,
        (
            "app/crm.manifest.ts",
            "export const manifest = { id: 'crm', name: 'CRM', description: 'Deals', category: 'Cloud', auth: { type: 'api_key' }, capabilities: [], handler: {} };\n",
        ),
        ("app/registry.ts", "import { manifest as erp } from './erp.manifest';\nexport const all = [erp];\n"),
    ),
    (
        "sensitive-log-argument",
        r#"loggers = ["audit.*"]
names = ["ssn"]"#,
        ("fail.ts", "audit.record(user.ssn);\n"),
        ("pass.ts", "console.log(accessToken);\naudit.record(user.name);\n"),
    ),
    (
        "cached-factory-result",
        r#"factories = ["openLedger*"]"#,
        ("fail.ts", "export const ledger = await openLedgerSession();\n"),
        ("pass.ts", "export const gmail = await getUncachableGmailClient();\n"),
    ),
    (
        "forbidden-column-read",
        r#"columns = ["legacy_*_score"]"#,
        ("fail.ts", "await db.from('accounts').select('id, legacy_churn_score');\n"),
        ("pass.ts", "await db.from('orgs').select('id, integration_gcp_status');\n"),
    ),
    (
        "missing-required-call",
        r#"functions = ["unlink*"]
route_paths = []
route_methods = []
deletes = ["token"]
deletes_records = []
required_calls = ["invalidate*"]"#,
        (
            "fail.ts",
            "export async function unlinkCrm(id: string) {\n  await tokenStore.delete(id);\n}\n",
        ),
        (
            "pass.ts",
            "export async function unlinkCrm(id: string) {\n  await invalidateGrant(id);\n  await tokenStore.delete(id);\n}\n",
        ),
    ),
    (
        "plaintext-column",
        r#"columns = ["license_key"]
types = ["text"]
exempt_qualifiers = []
exempt_tables = []"#,
        ("fail.sql", "create table seats (id uuid primary key, license_key text not null);\n"),
        ("pass.sql", "create table seats (id uuid primary key, access_token text not null);\n"),
    ),
    (
        "hardcoded-secret",
        r#"names = ["*_LICENSE_KEY"]
formats = []
prefixes = ["acme_live_"]"#,
        ("fail.ts", "const billing = 'acme_live_Q7x2Lk9PzR4mWv8TnB3s';\n"),
        (
            "pass.ts",
            "const OPENAI_API_KEY = 'sk-proj-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA';\n",
        ),
    ),
    (
        "tree-sitter-query",
        r#"language = "python"
query = '(call function: (attribute attribute: (identifier) @m (#eq? @m "execute_raw"))) @call'
capture = "call"
literals = ["execute_raw"]"#,
        ("fail.py", "db.execute_raw(sql)\n"),
        ("pass.py", "db.execute(sql)\n"),
    ),
    (
        "env-read-outside",
        r#"names = ["STRIPE_*"]
allow = ["config/**"]"#,
        ("web/pay.ts", "const key = process.env.STRIPE_SECRET_KEY;\n"),
        ("config/env.ts", "export const key = process.env.STRIPE_SECRET_KEY;\n"),
    ),
    (
        "handler-must-call",
        r#"routes = ["/webhooks/**"]
calls = ["verify*"]"#,
        ("hooks.ts", "app.post('/webhooks/github', async (req, res) => { await handle(req.body); });\n"),
        ("ok.ts", "app.post('/webhooks/github', async (req, res) => { verifySignature(req); });\n"),
    ),
];

#[test]
fn every_kind_runs_through_a_project_rule() {
    let listed: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    for kind in KINDS {
        assert!(
            listed.contains(&kind.id()),
            "kind `{}` has no user-defined instance in this test",
            kind.id()
        );
    }
    for (kind, options, (fail_path, fail_text), (pass_path, pass_text)) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        let id = format!("project-{kind}");
        write(
            root,
            "plumbline.toml",
            &format!(
                "[[rule]]\nid = \"{id}\"\nkind = \"{kind}\"\nseverity = \"warning\"\n\
                 message = \"project rule {kind} fired\"\nhelp = \"do the other thing\"\n\
                 [rule.options]\n{options}\n"
            ),
        );
        write(root, fail_path, fail_text);
        write(root, pass_path, pass_text);
        let (code, out, err) = plumbline(
            root,
            &[
                "check",
                "--select",
                &id,
                "--format",
                "concise",
                "--fail-on",
                "warning",
            ],
        );
        assert_eq!(code, 1, "{kind}: {out}{err}");
        let lines: Vec<&str> = out
            .lines()
            .filter(|l| l.contains(&format!("[{id}]")))
            .collect();
        assert!(
            !lines.is_empty() && lines.iter().all(|l| l.starts_with(fail_path)),
            "{kind}: expected findings in {fail_path} only:\n{out}{err}"
        );
        assert!(
            lines[0].contains("warning[")
                && lines[0].contains(&format!("project rule {kind} fired"))
        );
        // Suppressible like any rule, on the flagged line.
        let line: usize = lines[0].split(':').nth(1).unwrap().parse().unwrap();
        let comment = match fail_path.rsplit('.').next() {
            Some("py") => "#",
            Some("sql") => "--",
            _ => "//",
        };
        write(
            root,
            fail_path,
            &fail_text
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i + 1 == line {
                        format!("{l} {comment} plumbline-ignore: {id} -- accepted here\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect::<String>(),
        );
        let (code, out, err) = plumbline(root, &["check", "--select", &id, "--fail-on", "warning"]);
        assert_eq!(code, 0, "{kind} suppressed: {out}{err}");
    }
}

#[test]
fn project_rules_are_listed_explained_in_sarif_and_tested() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(
        root,
        ".plumbline/rules/no-old-crm.toml",
        "id = \"no-old-crm\"\nkind = \"forbidden-host\"\nsummary = \"The retired CRM\"\n\
         message = \"`{host}` is the retired CRM\"\nhelp = \"use the CRM client\"\n\
         description = \"We moved to the new CRM in 2025.\"\n\
         [options]\nhosts = [\"old-crm\"]\ngateway_url = \"https://crm.example.com\"\n",
    );
    write(
        root,
        "src/a.ts",
        "fetch('https://old-crm.example.dev/x');\n",
    );
    let (_, out, _) = plumbline(root, &["rules"]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("no-old-crm") && l.contains("The retired CRM")),
        "{out}"
    );
    let (code, out, _) = plumbline(root, &["explain", "no-old-crm"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("We moved to the new CRM") && out.contains("`hosts = "),
        "{out}"
    );
    let (_, out, _) = plumbline(root, &["check", "--format", "sarif"]);
    assert!(out.contains("\"id\": \"no-old-crm\""), "{out}");

    // `plumbline test`: a fail case that fires, a pass case that does not,
    // then a pass case that wrongly fires.
    write(
        root,
        ".plumbline/tests/no-old-crm/fail/a.ts",
        "fetch('https://old-crm.x.dev');\n",
    );
    write(
        root,
        ".plumbline/tests/no-old-crm/pass/b.ts",
        "fetch('https://crm.example.com');\n",
    );
    let (code, out, _) = plumbline(root, &["test"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 cases: 2 passed, 0 failed"), "{out}");
    let (code, _, _) = plumbline(root, &["test", "--update"]);
    assert_eq!(code, 0);
    let expected =
        std::fs::read_to_string(root.join(".plumbline/tests/no-old-crm/fail/a.ts.expected"))
            .unwrap();
    assert!(
        expected.starts_with("a.ts:1:16: error[no-old-crm]"),
        "{expected}"
    );
    write(
        root,
        ".plumbline/tests/no-old-crm/pass/c.ts",
        "fetch('https://old-crm.y.dev');\n",
    );
    let (code, out, _) = plumbline(root, &["test"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL no-old-crm/pass/c.ts: expected no finding"),
        "{out}"
    );
}

#[test]
fn new_rule_scaffolds_a_loadable_rule_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let (code, out, err) = plumbline(
        root,
        &["new-rule", "no-eval", "--kind", "tree-sitter-query"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(root.join(".plumbline/rules/no-eval.toml").is_file());
    assert!(root.join(".plumbline/tests/no-eval/fail").is_dir());
    assert!(root.join(".plumbline/tests/no-eval/pass").is_dir());
    let (_, out, _) = plumbline(root, &["rules"]);
    assert!(out.contains("no-eval"), "{out}");
    let before = std::fs::read(root.join(".plumbline/rules/no-eval.toml")).unwrap();
    let (code, _, err) = plumbline(root, &["new-rule", "no-eval", "--kind", "forbidden-host"]);
    assert_eq!(code, 2);
    assert!(err.contains("already defines"), "{err}");
    assert_eq!(
        before,
        std::fs::read(root.join(".plumbline/rules/no-eval.toml")).unwrap()
    );
    let (code, _, err) = plumbline(root, &["new-rule", "Bad_Id", "--kind", "forbidden-host"]);
    assert_eq!(code, 2);
    assert!(err.contains("kebab-case"));
    let (code, _, err) = plumbline(root, &["new-rule", "x", "--kind", "forbiden-host"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `forbidden-host`"), "{err}");
}

#[test]
fn an_invalid_query_is_a_labelled_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(
        root,
        "plumbline.toml",
        "[[rule]]\nid = \"q\"\nkind = \"tree-sitter-query\"\nmessage = \"m\"\n\
         [rule.options]\nlanguage = \"python\"\nquery = '(call function: (identifer) @f)'\n",
    );
    let (code, _, err) = plumbline(root, &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("plumbline.toml:7:27"), "{err}");
    assert!(err.contains("does not compile for python"), "{err}");
}

/// The README's "Write your team's rules" guide: its rules and their cases
/// live in examples/team-rules, and `plumbline test` passes there.
#[test]
fn the_guide_example_project_passes_its_own_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/team-rules");
    let (code, out, err) = plumbline(&dir, &["test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("22 cases: 22 passed, 0 failed"), "{out}");
}
