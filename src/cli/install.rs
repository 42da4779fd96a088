//! `plumbline install` / `plumbline uninstall`: the git pre-commit hook
//! file. A hook already there is kept and chained after plumbline's, never
//! overwritten; uninstalling puts it back.
//!
//! A hook is plumbline's only when its text is exactly what `install`
//! writes, up to the path of the plumbline binary it runs: a marker line
//! alone proves nothing, since anyone can copy it. A hook that was
//! plumbline's and has been edited is kept like any other hook (chained by
//! `install`, refused by `uninstall`). A symlinked hook is never written
//! through: it counts as someone else's, and chaining moves the link
//! itself.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::hook::git::{Git, GitError};
use crate::source::relative_to;

use super::ExitStatus;

/// The second line of plumbline's hook; names an edited copy in messages.
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
    let program = super::init::hook_program();
    let script = script(&program.text);
    let shown = hook.display();
    let existing = read_hook(&hook)?;
    let kept = match existing {
        Existing::Ours(text) if text == script => {
            writeln!(
                out,
                "plumbline's pre-commit hook is already installed at {shown}"
            )?;
            return Ok(ExitStatus::Clean);
        }
        Existing::Ours(_) => {
            write_hook(&hook, &script)?;
            writeln!(out, "updated plumbline's pre-commit hook at {shown}")?;
            None
        }
        Existing::None => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| context(&format!("create {}", dir.display()), e))?;
            write_hook(&hook, &script)?;
            writeln!(out, "installed plumbline's pre-commit hook at {shown}")?;
            None
        }
        Existing::Edited | Existing::Other => {
            if std::fs::symlink_metadata(&chained).is_ok() {
                eprintln!(
                    "plumbline: {shown} is not plumbline's and {} already exists; move one of them away first",
                    chained.display()
                );
                return Ok(ExitStatus::Error);
            }
            // `rename` moves a symlink itself, never what it points to.
            std::fs::rename(&hook, &chained).map_err(|e| {
                context(
                    &format!("move {shown} to {} to keep it", chained.display()),
                    e,
                )
            })?;
            if let Err(e) = write_hook(&hook, &script) {
                let _ = std::fs::rename(&chained, &hook);
                return Err(e);
            }
            Some(matches!(existing, Existing::Edited))
        }
    };
    if let Some(edited) = kept {
        let what = if edited {
            "the edited copy of plumbline's hook that was there"
        } else {
            "the hook that was there"
        };
        writeln!(
            out,
            "installed plumbline's pre-commit hook at {shown}; {what} is kept as {CHAINED} and runs after plumbline"
        )?;
    }
    if let Some(why) = &program.why {
        writeln!(
            out,
            "note: {why}, so the hook runs this binary by its absolute path"
        )?;
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
            std::fs::rename(&chained, &hook)
                .map_err(|e| context(&format!("move {} back to {shown}", chained.display()), e))?;
            writeln!(
                out,
                "removed plumbline's pre-commit hook; restored the hook that was there before at {shown}"
            )?;
        }
        Existing::Ours(_) => {
            std::fs::remove_file(&hook).map_err(|e| context(&format!("remove {shown}"), e))?;
            writeln!(out, "removed plumbline's pre-commit hook from {shown}")?;
        }
        Existing::None => writeln!(out, "plumbline's pre-commit hook is not installed")?,
        Existing::Edited => {
            eprintln!(
                "plumbline: {shown} was written by `plumbline install` but has been edited since; \
                 left it as it is. Remove the plumbline line from it by hand, or delete the file"
            );
            return Ok(ExitStatus::Error);
        }
        Existing::Other => writeln!(out, "{shown} is not plumbline's hook; left it as it is")?,
    }
    Ok(ExitStatus::Clean)
}

/// Writes the hook script, executable, through the one safe writing path.
fn write_hook(hook: &Path, script: &str) -> io::Result<()> {
    let options = crate::fsutil::WriteOptions {
        mode: Some(0o755),
        force_mode: true,
        ..Default::default()
    };
    crate::fsutil::write_file(hook, script.as_bytes(), &options).map_err(io::Error::from)
}

/// An error that names the operation and its paths.
fn context(action: &str, e: io::Error) -> io::Error {
    let hint = if e.kind() == io::ErrorKind::PermissionDenied {
        " (make the hooks folder writable, or run as its owner)"
    } else {
        ""
    };
    io::Error::new(e.kind(), format!("cannot {action}: {e}{hint}"))
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
    /// Exactly what `install` writes.
    Ours(String),
    /// plumbline's hook, edited since.
    Edited,
    /// Someone else's: another script, a binary, a symlink, not a file.
    Other,
}

fn read_hook(path: &Path) -> io::Result<Existing> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::None),
        Err(e) => return Err(context(&format!("inspect {}", path.display()), e)),
    };
    if !meta.file_type().is_file() {
        return Ok(Existing::Other);
    }
    let bytes = std::fs::read(path).map_err(|e| context(&format!("read {}", path.display()), e))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) if is_our_script(&text) => Existing::Ours(text),
        Ok(text) if text.lines().any(|l| l.starts_with(MARKER)) => Existing::Edited,
        _ => Existing::Other,
    })
}

/// Whether `text` is the script `install` writes, for some plumbline
/// binary: `plumbline` itself, or an absolute path quoted as `install`
/// quotes it, whose file name starts with `plumbline`.
fn is_our_script(text: &str) -> bool {
    const SLOT: &str = "\u{0}";
    let template = script(SLOT);
    let Some((head, tail)) = template.split_once(SLOT) else {
        return false;
    };
    let Some(command) = text
        .strip_prefix(head)
        .and_then(|rest| rest.strip_suffix(tail))
    else {
        return false;
    };
    if command == "plumbline" {
        return true;
    }
    let Some(inner) = command
        .strip_prefix('\'')
        .and_then(|c| c.strip_suffix('\''))
    else {
        return false;
    };
    let path = inner.replace(r"'\''", "'");
    let path = Path::new(&path);
    shell_quote(&path.to_string_lossy()) == command
        && path.is_absolute()
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("plumbline"))
}

use super::init::shell_quote;

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
        assert!(is_our_script(&script));
        assert!(is_our_script(&super::script("plumbline")));
    }

    #[test]
    fn an_edited_script_is_not_ours() {
        let ours = script("plumbline");
        assert!(!is_our_script(&format!("{ours}npm test || exit 1\n")));
        assert!(!is_our_script(
            &ours.replace("plumbline hook git", "npm test; plumbline hook git")
        ));
        assert!(!is_our_script(&script("'/opt/bin/npm' && 'x'")));
        assert!(!is_our_script(&script("'relative/plumbline'")));
    }
}
