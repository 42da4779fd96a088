//! The agent hook decides a table or column reached through another file:
//! the edit is linted alone, and the project model reads the helper's or
//! the constant's module from disk.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use insta_cmd::get_cargo_bin;

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A Next.js app with a table helper and a constants module.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tsconfig.json",
        r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } } }"#,
    );
    write(
        dir.path(),
        "src/lib/db.ts",
        "export const table = (name: string) => supabase.from(name);\n",
    );
    write(
        dir.path(),
        "src/lib/tables.ts",
        "export const TABLES = { integrations: 'cloud_provider_integrations', orgs: 'organizations' } as const;\n",
    );
    dir
}

/// Runs `plumbline hook claude` on a Write of `content` to `path`; returns
/// the exit code and stdout.
fn write_event(dir: &Path, path: &str, content: &str) -> (i32, String) {
    let payload = serde_json::json!({
        "session_id": "s",
        "hook_event_name": "PreToolUse",
        "cwd": dir,
        "tool_name": "Write",
        "tool_input": { "file_path": dir.join(path), "content": content },
    });
    let mut child = Command::new(get_cargo_bin("plumbline"))
        .args(["hook", "claude"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn a_table_handed_to_a_helper_of_another_file_is_blocked() {
    let dir = project();
    let (code, stdout) = write_event(
        dir.path(),
        "src/app/actions.ts",
        "import { table } from '@/lib/db';\nexport const list = () => table('cloud_provider_integrations').select('*');\n",
    );
    assert!(
        stdout.contains("supabase-integration-table") && stdout.contains("deny"),
        "exit {code}: {stdout}"
    );
}

#[test]
fn a_table_constant_of_another_file_is_blocked_and_its_look_alike_passes() {
    let dir = project();
    let (_, stdout) = write_event(
        dir.path(),
        "src/app/actions.ts",
        "import { TABLES } from '@/lib/tables';\nexport const list = () => supabase.from(TABLES.integrations).select('*');\n",
    );
    assert!(stdout.contains("supabase-integration-table"), "{stdout}");
    let (code, stdout) = write_event(
        dir.path(),
        "src/app/actions.ts",
        "import { TABLES } from '@/lib/tables';\nimport { table } from '@/lib/db';\n\
         export const list = () => supabase.from(TABLES.orgs).select('*');\n\
         export const members = () => table('organization_members').select('*');\n",
    );
    assert!(
        !stdout.contains("supabase-integration-table"),
        "exit {code}: {stdout}"
    );
}
