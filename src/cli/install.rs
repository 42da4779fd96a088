//! `plumbline install` / `plumbline uninstall`: the git pre-commit hook
//! file. A hook already there is kept and chained after plumbline's, never
//! overwritten; uninstalling puts it back.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::hook::git::{Git, GitError};
use crate::source::relative_to;

use super::ExitStatus;

/// Marks a hook file as plumbline's own.
const MARKER: &str = "# plumbline-managed-hook";
/// Where a hook that was there before plumbline's is kept, beside it.
const CHAINED: &str = "pre-commit.plumbline-chained";

#[derive(clap::Args, Debug)]
pub struct InstallArgs {}

#[derive(clap::Args, Debug)]
pub struct UninstallArgs {}

pub fn install(_args: InstallArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let Some(dir) = hooks_dir()? else {
        return Ok(ExitStatus::Error);
    };
    let hook = dir.join("pre-commit");
    let chained = dir.join(CHAINED);
    let script = script(&command());
    let shown = hook.display();
    match read_hook(&hook)? {
        Existing::Ours(text) if text == script => {
            writeln!(
                out,
                "plumbline's pre-commit hook is already installed at {shown}"
            )?;
        }
        Existing::Ours(_) => {
            crate::fsutil::write_atomically(&hook, script.as_bytes(), Some(0o755))?;
            writeln!(out, "updated plumbline's pre-commit hook at {shown}")?;
        }
        Existing::None => {
            std::fs::create_dir_all(&dir)?;
            crate::fsutil::write_atomically(&hook, script.as_bytes(), Some(0o755))?;
            writeln!(out, "installed plumbline's pre-commit hook at {shown}")?;
        }
        Existing::Other => {
            if std::fs::symlink_metadata(&chained).is_ok() {
                eprintln!(
                    "plumbline: {shown} is not plumbline's and {} already exists; move one of them away first",
                    chained.display()
                );
                return Ok(ExitStatus::Error);
            }
            std::fs::rename(&hook, &chained)?;
            if let Err(e) = crate::fsutil::write_atomically(&hook, script.as_bytes(), Some(0o755)) {
                let _ = std::fs::rename(&chained, &hook);
                return Err(e);
            }
            writeln!(
                out,
                "installed plumbline's pre-commit hook at {shown}; the hook that was there is kept as {CHAINED} and runs after plumbline"
            )?;
        }
    }
    Ok(ExitStatus::Clean)
}

pub fn uninstall(_args: UninstallArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let Some(dir) = hooks_dir()? else {
        return Ok(ExitStatus::Error);
    };
    let hook = dir.join("pre-commit");
    let chained = dir.join(CHAINED);
    let shown = hook.display();
    match read_hook(&hook)? {
        Existing::Ours(_) if std::fs::symlink_metadata(&chained).is_ok() => {
            std::fs::rename(&chained, &hook)?;
            writeln!(
                out,
                "removed plumbline's pre-commit hook; restored the hook that was there before at {shown}"
            )?;
        }
        Existing::Ours(_) => {
            std::fs::remove_file(&hook)?;
            writeln!(out, "removed plumbline's pre-commit hook from {shown}")?;
        }
        Existing::None => writeln!(out, "plumbline's pre-commit hook is not installed")?,
        Existing::Other => writeln!(out, "{shown} is not plumbline's hook; left it as it is")?,
    }
    Ok(ExitStatus::Clean)
}

/// The hooks folder git runs (`core.hooksPath`, or the main repository's
/// `hooks` for a worktree). `None` after printing why there is none.
fn hooks_dir() -> io::Result<Option<PathBuf>> {
    let cwd = super::current_dir()?;
    match Git::new(&cwd).git_path("hooks") {
        // Shown relative to where the command ran, as git shows paths.
        Ok(dir) => Ok(Some(relative_to(&dir, &cwd))),
        Err(GitError::NotARepository) => {
            eprintln!("plumbline: not a git repository (run this inside one)");
            Ok(None)
        }
        Err(e) => {
            eprintln!("plumbline: {e}");
            Ok(None)
        }
    }
}

enum Existing {
    None,
    Ours(String),
    Other,
}

fn read_hook(path: &Path) -> io::Result<Existing> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(Existing::None);
    }
    // A dangling symlink or a binary hook is someone else's.
    Ok(match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) if text.lines().any(|l| l.starts_with(MARKER)) => Existing::Ours(text),
        _ => Existing::Other,
    })
}

/// `plumbline` when it is on `PATH` (so the hook survives reinstalls and
/// moves); otherwise the absolute path of this binary.
fn command() -> String {
    let name = if cfg!(windows) {
        "plumbline.exe"
    } else {
        "plumbline"
    };
    let on_path = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()));
    if on_path {
        return "plumbline".to_string();
    }
    match std::env::current_exe() {
        Ok(exe) => shell_quote(&exe.to_string_lossy()),
        Err(_) => "plumbline".to_string(),
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// plumbline first; then the kept hook, if any, with the same arguments
/// and stdin (plumbline's stdin is /dev/null, so nothing is consumed).
fn script(command: &str) -> String {
    format!(
        "#!/bin/sh\n\
         {MARKER}: written by `plumbline install`. `plumbline uninstall` removes it\n\
         # and restores the hook that was here before, kept as {CHAINED}.\n\
         {command} hook git </dev/null || exit $?\n\
         chained=\"$(dirname -- \"$0\")/{CHAINED}\"\n\
         if [ -x \"$chained\" ]; then\n  exec \"$chained\" \"$@\"\nfi\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_is_recognised_as_ours() {
        let script = script(&shell_quote("/opt/it's here/plumbline"));
        assert_eq!(
            script.lines().nth(1).map(|l| l.starts_with(MARKER)),
            Some(true)
        );
        assert!(script.contains("'/opt/it'\\''s here/plumbline' hook git"));
    }
}
