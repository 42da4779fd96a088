//! The parallel, `.gitignore`-aware walk that feeds files from disk.

use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

/// What the walk honours.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Ignore `.gitignore`, `.ignore` and hidden-file rules.
    pub no_ignore: bool,
    pub threads: usize,
}

/// Decides whether a hidden file or folder is entered anyway.
pub type KeepHidden = std::sync::Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// Hidden names the walk still enters: `.env` files are configuration.
fn is_wanted_hidden(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.")
}

/// Walks `roots` in parallel, calling `visit` with every file path and
/// whether it was named explicitly. `keep_dir` can prune folders.
pub fn walk(
    roots: &[PathBuf],
    options: &WalkOptions,
    keep_hidden: KeepHidden,
    visit: &(dyn Fn(&Path, bool) + Sync),
) -> Vec<(PathBuf, String)> {
    let errors = std::sync::Mutex::new(Vec::new());
    let Some((first, rest)) = roots.split_first() else {
        return Vec::new();
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .parents(true)
        .ignore(!options.no_ignore)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .require_git(false)
        .threads(options.threads);
    let no_ignore = options.no_ignore;
    let keep = move |entry: &ignore::DirEntry| -> bool {
        if entry.depth() == 0 || no_ignore {
            return true;
        }
        let name = entry.file_name().to_string_lossy();
        if !name.starts_with('.') {
            return true;
        }
        if name == ".git" {
            return false;
        }
        is_wanted_hidden(&name) || keep_hidden(entry.path())
    };
    builder.filter_entry(keep);
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    // A path named on the command line is visited whatever
                    // it is (a FIFO, a device), so it can be reported as
                    // skipped; one found in a folder only when it is a file.
                    let explicit = entry.depth() == 0;
                    let file_type = entry.file_type();
                    if file_type.is_some_and(|t| t.is_file())
                        || (explicit && !file_type.is_some_and(|t| t.is_dir()))
                    {
                        visit(entry.path(), explicit);
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    errors
                        .lock()
                        .expect("walk error list")
                        .push((path, err.to_string()));
                }
            }
            WalkState::Continue
        })
    });
    errors.into_inner().expect("walk error list")
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}
