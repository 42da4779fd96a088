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
        if entry.depth() == 0 {
            return true;
        }
        let name = entry.file_name().to_string_lossy();
        if name == crate::cache::DIR_NAME {
            return false;
        }
        if no_ignore {
            return true;
        }
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

/// What a walk of `roots` leaves out, and why: hidden files and folders,
/// and what `.gitignore`/`.ignore` files exclude. A folder left out is
/// listed once, not file by file. For `--verbose`.
pub fn left_out(
    roots: &[PathBuf],
    options: &WalkOptions,
    keep_hidden: KeepHidden,
) -> Vec<(PathBuf, &'static str)> {
    if options.no_ignore {
        return Vec::new();
    }
    let entered = std::sync::Mutex::new(std::collections::HashSet::new());
    walk_entries(roots, keep_hidden, &|path: &Path| {
        entered.lock().expect("entered").insert(path.to_path_buf());
    });
    let entered = std::sync::Arc::new(entered.into_inner().expect("entered"));
    let left = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let Some((first, rest)) = roots.split_first() else {
        return Vec::new();
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    let (seen, record) = (entered.clone(), left.clone());
    builder.standard_filters(false).filter_entry(move |entry| {
        if entry.file_name() == ".git" || entry.file_name() == crate::cache::DIR_NAME {
            return false;
        }
        if entry.depth() == 0 || seen.contains(entry.path()) {
            return true;
        }
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let why = if hidden {
            "hidden (name starts with `.`; [files] include lints it)"
        } else {
            "ignored by a .gitignore or .ignore file"
        };
        record
            .lock()
            .expect("left out")
            .push((entry.path().to_path_buf(), why));
        false
    });
    for _ in builder.build() {}
    let mut out = std::mem::take(&mut *left.lock().expect("left out"));
    out.sort();
    out
}

/// Every file and folder the walk enters, serially.
fn walk_entries(roots: &[PathBuf], keep_hidden: KeepHidden, visit: &dyn Fn(&Path)) {
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .parents(true)
        .require_git(false)
        .filter_entry(move |entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0
                || !name.starts_with('.')
                || (name != ".git" && (is_wanted_hidden(&name) || keep_hidden(entry.path())))
        });
    for entry in builder.build().flatten() {
        visit(entry.path());
    }
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
