//! Writing users' files: the one path every command that writes goes
//! through (`--fix`, `init`, `install`, `uninstall`, `--output`,
//! `--write-baseline`).
//!
//! A file is replaced through a temporary file beside it, written, given
//! the original's mode, owner and group, synced, then renamed over it; the
//! folder is synced after the rename. A reader sees the old file or the
//! whole new one. What is refused, and why:
//!
//! - a target that is not a regular file (a device, a FIFO, a socket, a
//!   folder): renaming over it would replace the node itself. Only
//!   `--output` may name a FIFO or a character device (`/dev/stdout`, a
//!   pipe to another program), and then the bytes are written into it
//!   directly, without a rename ([`WriteOptions::stream_into_devices`]);
//! - a file with other hard links: the rename would split them, leaving
//!   the other names with the old text;
//! - a read-only file (no write bit for anyone);
//! - with [`WriteOptions::expected`], a file whose content is no longer
//!   what the caller read: checked after the temporary file is written and
//!   synced, immediately before the rename, so a save in between is not
//!   lost.
//!
//! Paths stay `Path`/`OsStr` throughout: a file name that is not UTF-8 is
//! written under its own name.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How [`write_file`] treats the target.
#[derive(Default)]
pub struct WriteOptions<'a> {
    /// The mode of a file that does not exist yet (an existing file keeps
    /// its own unless `force_mode`).
    pub mode: Option<u32>,
    /// Sets `mode` even when the file exists (an executable hook script).
    pub force_mode: bool,
    /// The content the file must still have right before the rename.
    pub expected: Option<&'a [u8]>,
    /// Write straight into an existing FIFO or character device instead of
    /// refusing it. Used by `--output` only.
    pub stream_into_devices: bool,
    /// Called after the temporary file is synced and before the final
    /// comparison with `expected`: lets a test change the file in exactly
    /// that window.
    #[doc(hidden)]
    pub before_check: Option<&'a dyn Fn(&Path)>,
}

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The target is something plumbline does not replace; the text says
    /// what it is and what to do.
    Refused { path: PathBuf, reason: String },
    /// The file changed since it was read; it was left as it is.
    Changed { path: PathBuf },
    /// An operation failed; `action` names it ("create a temporary file in
    /// .git/hooks").
    Io { action: String, source: io::Error },
}

impl WriteError {
    fn io(action: impl Into<String>, source: io::Error) -> Self {
        WriteError::Io {
            action: action.into(),
            source,
        }
    }

    /// The reason alone, without the path: for messages that already name
    /// the file ("did not fix a.ts: it is read-only").
    pub fn reason(&self) -> String {
        match self {
            WriteError::Refused { reason, .. } => reason.clone(),
            WriteError::Changed { .. } => {
                "it changed on disk while fixing; left unchanged".to_string()
            }
            WriteError::Io { action, source } => format!("cannot {action}: {source}"),
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Refused { path, reason } => {
                write!(f, "did not write {}: {reason}", path.display())
            }
            WriteError::Changed { path } => write!(
                f,
                "did not write {}: it changed on disk since it was read; left it as it is",
                path.display()
            ),
            WriteError::Io { action, source } => {
                write!(f, "cannot {action}: {source}")?;
                if source.kind() == io::ErrorKind::PermissionDenied {
                    write!(f, " (check the permissions of the file and its folder)")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for WriteError {}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> Self {
        let kind = match &e {
            WriteError::Io { source, .. } => source.kind(),
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, e.to_string())
    }
}

/// Writes `bytes` to `path` with default options; `mode` is the mode of a
/// new file.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let options = WriteOptions {
        mode,
        ..WriteOptions::default()
    };
    write_file(path, bytes, &options).map_err(io::Error::from)
}

/// Writes `bytes` to `path` as the module documentation describes. A
/// symlink is followed, so the link stays a link.
pub fn write_file(path: &Path, bytes: &[u8], options: &WriteOptions) -> Result<(), WriteError> {
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(real) => real,
            // A dangling link: creating its target would write outside
            // what the user named.
            Err(e) => {
                return Err(WriteError::io(
                    format!("follow the symbolic link {}", path.display()),
                    e,
                ))
            }
        },
        _ => path.to_path_buf(),
    };
    let existing = match fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(WriteError::io(format!("inspect {}", target.display()), e)),
    };
    if let Some(meta) = &existing {
        if let Some(kind) = special_kind(meta) {
            if options.stream_into_devices && matches!(kind, "a FIFO" | "a character device") {
                return write_into(path, bytes);
            }
            return Err(WriteError::Refused {
                path: path.to_path_buf(),
                reason: format!(
                    "it is {kind}, not a regular file; plumbline replaces only regular files"
                ),
            });
        }
        refuse_shared_or_read_only(path, meta)?;
    }
    if options.expected.is_some() && existing.is_none() {
        return Err(WriteError::Changed {
            path: path.to_path_buf(),
        });
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(temp_name(&target));
    let result = replace(&target, &tmp, bytes, existing.as_ref(), options);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    sync_dir(dir);
    Ok(())
}

/// What a non-regular file is, in words; `None` for a regular file.
fn special_kind(meta: &fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Refuses a file with other hard links, or with no write bit for anyone.
fn refuse_shared_or_read_only(path: &Path, meta: &fs::Metadata) -> Result<(), WriteError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let links = meta.nlink();
        if links > 1 {
            return Err(WriteError::Refused {
                path: path.to_path_buf(),
                reason: format!(
                    "it has {} other hard link{}; replacing it would leave them with the old text \
                     (break the link with `cp`, or edit it by hand)",
                    links - 1,
                    if links == 2 { "" } else { "s" }
                ),
            });
        }
    }
    if meta.permissions().readonly() {
        return Err(WriteError::Refused {
            path: path.to_path_buf(),
            reason: "read-only (make it writable first if it should change)".to_string(),
        });
    }
    Ok(())
}

/// Writes into a FIFO or character device the user named, in place.
fn write_into(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| WriteError::io(format!("open {} for writing", path.display()), e))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| WriteError::io(format!("write to {}", path.display()), e))
}

/// `.NAME.plumbline-PID.tmp`, built from the name's bytes.
fn temp_name(target: &Path) -> OsString {
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or("settings".as_ref()));
    name.push(format!(".plumbline-{}.tmp", std::process::id()));
    name
}

/// Writes the temporary file, checks `expected`, and renames it over
/// `target`.
fn replace(
    target: &Path,
    tmp: &Path,
    bytes: &[u8],
    existing: Option<&fs::Metadata>,
    options: &WriteOptions,
) -> Result<(), WriteError> {
    let dir_shown = tmp
        .parent()
        .map_or_else(String::new, |d| d.display().to_string());
    // Private until it has the final owner and mode: the content may be a
    // file only its owner can read.
    let create = || {
        let mut open = fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        open.open(tmp)
    };
    let mut file = match create() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // Left behind by an earlier run with the same process id.
            fs::remove_file(tmp).and_then(|()| create())
        }
        other => other,
    }
    .map_err(|e| WriteError::io(format!("create a temporary file in {dir_shown}"), e))?;
    let writing = |e| WriteError::io(format!("write {}", tmp.display()), e);
    // Owner first: changing it clears set-id bits the mode may carry.
    keep_owner(&file, target, existing);
    if let Some(meta) = existing.filter(|_| !options.force_mode) {
        file.set_permissions(meta.permissions()).map_err(writing)?;
    } else {
        set_mode(&file, options.mode.unwrap_or(0o666 & !umask())).map_err(writing)?;
    }
    file.write_all(bytes).map_err(writing)?;
    file.sync_all().map_err(writing)?;
    drop(file);
    if let Some(hook) = options.before_check {
        hook(target);
    }
    if let Some(expected) = options.expected {
        match fs::read(target) {
            Ok(now) if now == expected => {}
            _ => {
                return Err(WriteError::Changed {
                    path: target.to_path_buf(),
                })
            }
        }
    }
    fs::rename(tmp, target).map_err(|e| {
        WriteError::io(
            format!("rename {} to {}", tmp.display(), target.display()),
            e,
        )
    })
}

/// Gives the new file the old one's owner and group. Only root can give a
/// file away; anyone else keeps their own, so a failure is said on stderr
/// rather than stopping the write.
fn keep_owner(file: &fs::File, target: &Path, existing: Option<&fs::Metadata>) {
    #[cfg(unix)]
    if let Some(meta) = existing {
        use std::os::unix::fs::MetadataExt;
        let Ok(now) = file.metadata() else { return };
        if now.uid() == meta.uid() && now.gid() == meta.gid() {
            return;
        }
        if let Err(e) = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())) {
            eprintln!(
                "plumbline: warning: {} will be owned by uid {} gid {} instead of uid {} gid {}: {e}",
                target.display(),
                now.uid(),
                now.gid(),
                meta.uid(),
                meta.gid()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (file, target, existing);
}

fn set_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

/// The process's file-creation mask, read without changing it (Linux
/// reports it in /proc); 022, the common default, where it cannot be read.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Makes the rename durable where the platform allows syncing a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_change_before_the_rename_aborts_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "read").unwrap();
        let save = |p: &Path| fs::write(p, "saved meanwhile").unwrap();
        let options = WriteOptions {
            expected: Some(b"read"),
            before_check: Some(&save),
            ..WriteOptions::default()
        };
        let err = write_file(&path, b"fixed", &options).unwrap_err();
        assert!(matches!(err, WriteError::Changed { .. }), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"saved meanwhile");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_and_read_only_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "old").unwrap();
        fs::hard_link(&path, dir.path().join("b.txt")).unwrap();
        let err = write_atomically(&path, b"new", None).unwrap_err();
        assert!(err.to_string().contains("1 other hard link"), "{err}");
        let ro = dir.path().join("ro.txt");
        fs::write(&ro, "old").unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomically(&ro, b"new", None).unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(fs::read(&ro).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_umask_mode_or_the_one_asked_for() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.txt");
        write_atomically(&plain, b"x", None).unwrap();
        let mode = fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
        let script = dir.path().join("hook");
        write_atomically(&script, b"x", Some(0o755)).unwrap();
        let mode = fs::metadata(&script).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
    }
}
