//! One cache file on disk: a header that names the format and the build
//! that wrote it, a checksum, and a `postcard` payload.
//!
//! A file is replaced whole (written under a temporary name in the same
//! folder, then renamed over the old one), so a reader sees the old file or
//! the new one, never half of either, and two runs saving at once leave one
//! of their two files. Whatever is wrong with a file (cut short, garbage,
//! another format or another build of plumbline, unreadable) makes
//! [`load`] answer `None`: the run starts cold and writes a good file.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// First bytes of every cache file.
const MAGIC: &[u8; 8] = b"PLBCACHE";

/// Layout of the payloads; raised whenever a cached type changes shape.
pub const FORMAT: u32 = 1;

/// What the folder says to git: ignore everything here.
const GITIGNORE: &str = "# Created by plumbline: its cache, safe to delete.\n*\n";

/// The Cache Directory Tagging Specification's tag (backup tools skip the
/// folder).
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by plumbline.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// Names the build that writes the cache: the version, and the size and
/// modification time of the running executable, so a rebuilt binary (a new
/// rule, a fixed bug under the same version) never reads another build's
/// outcomes.
pub fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .ok()
            .map(|m| {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{}-{modified}", m.len())
            })
            .unwrap_or_default();
        format!("plumbline {} {exe}", env!("CARGO_PKG_VERSION"))
    })
}

/// The fast, non-cryptographic hash cache keys use (xxh3, 64 bits).
pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The encoded file for `value`, written by `build`.
pub fn encode<T: Serialize>(value: &T, build: &str) -> Option<Vec<u8>> {
    let payload = postcard::to_stdvec(value).ok()?;
    let mut out = Vec::with_capacity(payload.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(build.len() as u32).to_le_bytes());
    out.extend_from_slice(build.as_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Some(out)
}

/// The value encoded in `bytes` by this build, `None` for anything else.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], build: &str) -> Option<T> {
    postcard::from_bytes(payload(bytes, build)?).ok()
}

/// The checked payload of a file `bytes` this build encoded, `None` for
/// anything else: a reader that borrows from the payload decodes it itself.
pub fn payload<'a>(bytes: &'a [u8], build: &str) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (format, rest) = take_u32(rest)?;
    if format != FORMAT {
        return None;
    }
    let (id_len, rest) = take_u32(rest)?;
    let (id, rest) = split(rest, id_len as usize)?;
    if id != build.as_bytes() {
        return None;
    }
    let (len, rest) = take_u64(rest)?;
    let (checksum, payload) = take_u64(rest)?;
    if payload.len() as u64 != len || hash(payload) != checksum {
        return None;
    }
    Some(payload)
}

fn split(bytes: &[u8], at: usize) -> Option<(&[u8], &[u8])> {
    (bytes.len() >= at).then(|| bytes.split_at(at))
}

fn take_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let (head, rest) = split(bytes, 4)?;
    Some((u32::from_le_bytes(head.try_into().ok()?), rest))
}

fn take_u64(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let (head, rest) = split(bytes, 8)?;
    Some((u64::from_le_bytes(head.try_into().ok()?), rest))
}

/// Reads the cache file at `path`; `None` when it is absent or not a good
/// file of this build.
pub fn load<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    decode(&bytes, build_id())
}

/// Replaces the cache file `name` in `dir` with `value`, creating the
/// folder (tagged and git-ignored) when needed. Errors are the caller's to
/// ignore: a cache that cannot be written only makes the next run cold.
pub fn save<T: Serialize>(dir: &Path, name: &str, value: &T) -> std::io::Result<()> {
    let bytes = encode(value, build_id())
        .ok_or_else(|| std::io::Error::other("the cache entry could not be encoded"))?;
    prepare_dir(dir)?;
    let target = dir.join(name);
    let temp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        unique_suffix()
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.flush()?;
        std::fs::rename(&temp, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A number no other save of this process uses.
fn unique_suffix() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Creates the cache folder with its `.gitignore` and `CACHEDIR.TAG`.
pub fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in [(".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)] {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            // Two runs may both create it: the same text either way.
            std::fs::write(&path, text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_anything_else() {
        let value = vec![("a".to_string(), 1u64), ("b".to_string(), 2)];
        let bytes = encode(&value, "build 1").unwrap();
        assert_eq!(decode::<Vec<(String, u64)>>(&bytes, "build 1"), Some(value));
        assert_eq!(decode::<Vec<(String, u64)>>(&bytes, "build 2"), None);
        for cut in 0..bytes.len() {
            assert_eq!(decode::<Vec<(String, u64)>>(&bytes[..cut], "build 1"), None);
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(decode::<Vec<(String, u64)>>(&flipped, "build 1"), None);
        assert_eq!(decode::<Vec<(String, u64)>>(b"garbage", "build 1"), None);
    }
}
