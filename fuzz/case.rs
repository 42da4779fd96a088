//! One fuzz case: the files of a scratch project, the `plumbline` commands
//! to run in it, and the property its results must have. A case can be
//! written to a folder and replayed by hand from there.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Stands for the scratch project's absolute path in arguments and stdin.
pub const PROJECT: &str = "__PROJECT__";

/// A file of the scratch project. Names are bytes: a name need not be UTF-8.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub path: Vec<u8>,
    pub content: Content,
}

/// What a scratch path holds.
#[derive(Debug, Clone)]
pub enum Content {
    File {
        bytes: Vec<u8>,
        mode: u32,
    },
    /// A named pipe nobody writes to.
    Fifo,
    /// A symbolic link to this target (absolute or relative).
    Symlink(PathBuf),
    Dir,
}

impl CaseFile {
    pub fn file(path: impl Into<Vec<u8>>, bytes: impl Into<Vec<u8>>) -> CaseFile {
        CaseFile {
            path: path.into(),
            content: Content::File {
                bytes: bytes.into(),
                mode: 0o644,
            },
        }
    }

    /// The file's path as display text.
    pub fn display(&self) -> String {
        String::from_utf8_lossy(&self.path).into_owned()
    }
}

/// One `plumbline` run: arguments and optional stdin, both with `PROJECT`
/// placeholders.
#[derive(Debug, Clone)]
pub struct Step {
    pub args: Vec<Vec<u8>>,
    pub stdin: Option<Vec<u8>>,
}

impl Step {
    pub fn new<S: AsRef<[u8]>>(args: &[S]) -> Step {
        Step {
            args: args.iter().map(|arg| arg.as_ref().to_vec()).collect(),
            stdin: None,
        }
    }

    /// The arguments with the project path filled in.
    pub fn resolved_args(&self, project: &Path) -> Vec<OsString> {
        self.args
            .iter()
            .map(|arg| OsString::from_vec(fill(arg, project)))
            .collect()
    }

    /// Stdin with the project path filled in.
    pub fn resolved_stdin(&self, project: &Path) -> Option<Vec<u8>> {
        self.stdin.as_ref().map(|bytes| fill(bytes, project))
    }

    /// The command line as text, for descriptions.
    pub fn display(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|arg| {
                let text = String::from_utf8_lossy(arg);
                if text.len() > 60 {
                    format!("{}…", text.chars().take(60).collect::<String>())
                } else {
                    text.into_owned()
                }
            })
            .collect();
        format!("plumbline {}", args.join(" "))
    }
}

/// Replaces every `PROJECT` in `bytes` by the project's path.
fn fill(bytes: &[u8], project: &Path) -> Vec<u8> {
    let with = project.as_os_str().as_bytes();
    let needle = PROJECT.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// What must hold after the steps ran, beyond "no crash".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    /// A read-only command: nothing in the project changes; `json` output
    /// (json or sarif) parses.
    ReadOnly { json_output: bool },
    /// The agent hook: a proper answer, nothing written. With `fail_closed`
    /// and a named agent, every failure must still be an answer (exit 0).
    Hook {
        fail_closed: bool,
        named_agent: bool,
    },
    /// Step 1 reports fixes as JSON, step 2 applies them: only those spans
    /// change, and a fixed file still parses.
    Fix,
}

impl Property {
    /// One line for a saved case's `case.txt`.
    pub fn to_line(self) -> String {
        match self {
            Property::ReadOnly { json_output } => format!("read-only json_output={json_output}"),
            Property::Hook {
                fail_closed,
                named_agent,
            } => format!("hook fail_closed={fail_closed} named_agent={named_agent}"),
            Property::Fix => "fix".to_string(),
        }
    }

    /// Reads what `to_line` wrote.
    pub fn from_line(line: &str) -> Option<Property> {
        let mut words = line.split_whitespace();
        let kind = words.next()?;
        let flags: Vec<&str> = words.collect();
        let flag = |name: &str| flags.contains(&format!("{name}=true").as_str());
        match kind {
            "read-only" => Some(Property::ReadOnly {
                json_output: flag("json_output"),
            }),
            "hook" => Some(Property::Hook {
                fail_closed: flag("fail_closed"),
                named_agent: flag("named_agent"),
            }),
            "fix" => Some(Property::Fix),
            _ => None,
        }
    }
}

/// A complete case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The target name it was generated for.
    pub target: &'static str,
    /// Its index in the run (with the seed, enough to generate it again).
    pub index: u64,
    pub files: Vec<CaseFile>,
    pub steps: Vec<Step>,
    pub property: Property,
    /// How it was made, for the saved description.
    pub origin: String,
}

impl Case {
    /// Total bytes of input, to keep the smallest reproducer of a failure.
    pub fn size(&self) -> usize {
        let files: usize = self
            .files
            .iter()
            .map(|file| match &file.content {
                Content::File { bytes, .. } => bytes.len(),
                _ => 1,
            })
            .sum();
        let steps: usize = self
            .steps
            .iter()
            .map(|step| step.stdin.as_ref().map_or(0, Vec::len))
            .sum();
        files + steps
    }

    /// Writes the files into `project` (which exists and is empty).
    pub fn materialize(&self, project: &Path) -> std::io::Result<()> {
        for file in &self.files {
            let path = project.join(OsStr::from_bytes(&file.path));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match &file.content {
                Content::File { bytes, mode } => {
                    std::fs::write(&path, bytes)?;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(*mode))?;
                }
                Content::Fifo => make_fifo(&path)?,
                Content::Symlink(target) => std::os::unix::fs::symlink(target, &path)?,
                Content::Dir => std::fs::create_dir_all(&path)?,
            }
        }
        Ok(())
    }

    /// Saves the case as a folder a person can replay: `project/` holds the
    /// files, `stepN.args` and `stepN.stdin` the commands, and `run.sh`
    /// runs them with `PLUMBLINE` (default `plumbline`).
    pub fn save(&self, folder: &Path, description: &str) -> std::io::Result<()> {
        let project = folder.join("project");
        std::fs::create_dir_all(&project)?;
        // Pipes and links are listed in `special.txt` rather than stored,
        // so a saved case can live in git.
        let (special, plain): (Vec<CaseFile>, Vec<CaseFile>) = self
            .files
            .iter()
            .cloned()
            .partition(|file| matches!(file.content, Content::Fifo | Content::Symlink(_)));
        Case {
            files: plain,
            ..self.clone()
        }
        .materialize(&project)?;
        let mut listing = String::new();
        for file in &special {
            match &file.content {
                Content::Fifo => listing.push_str(&format!("fifo {}\n", file.display())),
                Content::Symlink(target) => listing.push_str(&format!(
                    "symlink {} {}\n",
                    file.display(),
                    target.display()
                )),
                _ => {}
            }
        }
        if !listing.is_empty() {
            std::fs::write(folder.join("special.txt"), listing)?;
        }
        std::fs::write(folder.join("description.txt"), format!("{description}\n"))?;
        std::fs::write(
            folder.join("case.txt"),
            format!(
                "target {}\nproperty {}\n",
                self.target,
                self.property.to_line()
            ),
        )?;
        let mut script = String::from(
            "#!/usr/bin/env bash\n# Replays this fuzz case. Usage: PLUMBLINE=path/to/plumbline ./run.sh\n\
             set -u\ncd \"$(dirname \"$0\")\"\nhere=$(pwd)\nwork=$(mktemp -d)\ncp -a project \"$work/project\"\n\
             if [ -f special.txt ]; then\n  while read -r kind path target; do\n    mkdir -p \"$(dirname \"$work/project/$path\")\"\n    \
             case $kind in\n      fifo) mkfifo \"$work/project/$path\" ;;\n      symlink) ln -s \"$target\" \"$work/project/$path\" ;;\n    \
             esac\n  done < special.txt\nfi\n\
             bin=${PLUMBLINE:-plumbline}\nexport RUST_BACKTRACE=0 NO_COLOR=1\n",
        );
        for (index, step) in self.steps.iter().enumerate() {
            let args_file = format!("step{}.args", index + 1);
            // One argument per line, NUL-free by construction of the cases.
            let mut args = Vec::new();
            for arg in &step.args {
                args.extend_from_slice(arg);
                args.push(b'\n');
            }
            std::fs::write(folder.join(&args_file), args)?;
            let stdin = match &step.stdin {
                Some(bytes) => {
                    let name = format!("step{}.stdin", index + 1);
                    std::fs::write(folder.join(&name), bytes)?;
                    format!("< <(sed \"s#{PROJECT}#$work/project#g\" \"$here/{name}\")")
                }
                None => "</dev/null".to_string(),
            };
            script.push_str(&format!(
                "mapfile -t args < <(sed \"s#{PROJECT}#$work/project#g\" {args_file})\n\
                 (cd \"$work/project\" && timeout 20 \"$bin\" \"${{args[@]}}\" {stdin}); echo \"step {} exit $?\" >&2\n",
                index + 1
            ));
        }
        script.push_str("echo \"project left in $work/project\" >&2\n");
        let run = folder.join("run.sh");
        std::fs::write(&run, script)?;
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o755))
    }
}

/// Reads a case saved by `Case::save` (its `case.txt`, `project/` and
/// `stepN.args`/`stepN.stdin`).
pub fn load(folder: &Path, targets: &[&'static str]) -> Result<Case, String> {
    let fail = |what: &str, error: &dyn std::fmt::Display| {
        format!("{}: {what}: {error}", folder.display())
    };
    let meta = std::fs::read_to_string(folder.join("case.txt"))
        .map_err(|error| fail("cannot read case.txt", &error))?;
    let mut target: &'static str = "replay";
    let mut property = None;
    for line in meta.lines() {
        if let Some(name) = line.strip_prefix("target ") {
            target = targets
                .iter()
                .find(|t| **t == name)
                .copied()
                .unwrap_or("replay");
        } else if let Some(text) = line.strip_prefix("property ") {
            property = Property::from_line(text);
        }
    }
    let property = property.ok_or_else(|| fail("case.txt", &"no valid `property` line"))?;
    let project = folder.join("project");
    let mut files = Vec::new();
    load_project(&project, &project, &mut files).map_err(|error| fail("project", &error))?;
    if let Ok(listing) = std::fs::read_to_string(folder.join("special.txt")) {
        for line in listing.lines() {
            let mut words = line.split_whitespace();
            let content = match (words.next(), words.next(), words.next()) {
                (Some("fifo"), Some(path), None) => (path, Content::Fifo),
                (Some("symlink"), Some(path), Some(target)) => {
                    (path, Content::Symlink(PathBuf::from(target)))
                }
                _ => return Err(fail("special.txt", &format!("cannot read `{line}`"))),
            };
            files.push(CaseFile {
                path: content.0.as_bytes().to_vec(),
                content: content.1,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut steps = Vec::new();
    for index in 1.. {
        let args_path = folder.join(format!("step{index}.args"));
        let Ok(args) = std::fs::read(&args_path) else {
            break;
        };
        let stdin = std::fs::read(folder.join(format!("step{index}.stdin"))).ok();
        steps.push(Step {
            args: args
                .split(|&b| b == b'\n')
                .filter(|arg| !arg.is_empty())
                .map(<[u8]>::to_vec)
                .collect(),
            stdin,
        });
    }
    if steps.is_empty() {
        return Err(fail("step1.args", &"missing"));
    }
    Ok(Case {
        target,
        index: 0,
        files,
        steps,
        property,
        origin: format!("saved case {}", folder.display()),
    })
}

fn load_project(root: &Path, dir: &Path, out: &mut Vec<CaseFile>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .as_os_str()
            .as_bytes()
            .to_vec();
        let meta = std::fs::symlink_metadata(&path)?;
        let content = if meta.file_type().is_symlink() {
            Content::Symlink(std::fs::read_link(&path)?)
        } else if meta.is_dir() {
            load_project(root, &path, out)?;
            Content::Dir
        } else if meta.is_file() {
            Content::File {
                bytes: std::fs::read(&path)?,
                mode: meta.permissions().mode() & 0o7777,
            }
        } else {
            Content::Fifo
        };
        out.push(CaseFile {
            path: relative,
            content,
        });
    }
    Ok(())
}

fn make_fifo(path: &Path) -> std::io::Result<()> {
    let name = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::other("a path with a NUL byte"))?;
    // SAFETY: `name` is a valid NUL-terminated path.
    if unsafe { libc::mkfifo(name.as_ptr(), 0o644) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// What a project path held at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File { bytes: Vec<u8>, mode: u32 },
    Symlink(PathBuf),
    Dir { mode: u32 },
    Other,
}

/// Every path under a project (not following links), relative, as bytes.
pub type Snapshot = BTreeMap<Vec<u8>, Entry>;

/// Takes a snapshot of `root`.
pub fn snapshot(root: &Path) -> std::io::Result<Snapshot> {
    let mut out = Snapshot::new();
    snapshot_into(root, root, &mut out)?;
    Ok(out)
}

fn snapshot_into(root: &Path, dir: &Path, out: &mut Snapshot) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .as_os_str()
            .as_bytes()
            .to_vec();
        let meta = std::fs::symlink_metadata(&path)?;
        let mode = meta.permissions().mode() & 0o7777;
        let item = if meta.file_type().is_symlink() {
            Entry::Symlink(std::fs::read_link(&path)?)
        } else if meta.is_dir() {
            snapshot_into(root, &path, out)?;
            Entry::Dir { mode }
        } else if meta.is_file() {
            Entry::File {
                bytes: std::fs::read(&path)?,
                mode,
            }
        } else {
            Entry::Other
        };
        out.insert(relative, item);
    }
    Ok(())
}

/// The paths whose entries differ between two snapshots.
pub fn changed_paths(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut changed: Vec<String> = before
        .iter()
        .filter(|(path, entry)| after.get(*path) != Some(entry))
        .map(|(path, _)| String::from_utf8_lossy(path).into_owned())
        .collect();
    changed.extend(
        after
            .keys()
            .filter(|path| !before.contains_key(*path))
            .map(|path| format!("{} (new)", String::from_utf8_lossy(path))),
    );
    changed
}

/// A short stable hash, for folder names of saved failures.
pub fn short_hash(text: &str) -> String {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_placeholder_is_filled_everywhere() {
        let step = Step {
            args: vec![b"hook".to_vec(), b"__PROJECT__/a".to_vec()],
            stdin: Some(b"{\"cwd\":\"__PROJECT__\",\"p\":\"__PROJECT__/x\"}".to_vec()),
        };
        let project = Path::new("/tmp/p");
        assert_eq!(
            step.resolved_args(project),
            vec![OsString::from("hook"), OsString::from("/tmp/p/a")]
        );
        assert_eq!(
            step.resolved_stdin(project).unwrap(),
            b"{\"cwd\":\"/tmp/p\",\"p\":\"/tmp/p/x\"}".to_vec()
        );
    }

    #[test]
    fn a_saved_case_loads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut hook = Step::new(&["hook", "claude", "--fail-closed"]);
        hook.stdin = Some(b"{\"cwd\":\"__PROJECT__\"}".to_vec());
        let case = Case {
            target: "hook-claude",
            index: 3,
            files: vec![
                CaseFile::file("src/a.ts", "const a = 1;\n"),
                CaseFile {
                    path: b"src/pipe".to_vec(),
                    content: Content::Fifo,
                },
            ],
            steps: vec![hook],
            property: Property::Hook {
                fail_closed: true,
                named_agent: true,
            },
            origin: String::new(),
        };
        case.save(&dir.path().join("saved"), "why").unwrap();
        let loaded = load(&dir.path().join("saved"), &["hook-claude"]).unwrap();
        assert_eq!(loaded.target, "hook-claude");
        assert_eq!(loaded.property, case.property);
        assert_eq!(format!("{:?}", loaded.steps), format!("{:?}", case.steps));
        let paths: Vec<String> = loaded.files.iter().map(CaseFile::display).collect();
        assert_eq!(paths, vec!["src", "src/a.ts", "src/pipe"]);
        assert!(matches!(loaded.files[2].content, Content::Fifo));
        assert!(!dir.path().join("saved/project/src/pipe").exists());
    }

    #[test]
    fn a_snapshot_sees_content_mode_and_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let case = Case {
            target: "ts",
            index: 0,
            files: vec![
                CaseFile::file("src/a.ts", "const a = 1;\n"),
                CaseFile {
                    path: b"odd-\xff.ts".to_vec(),
                    content: Content::File {
                        bytes: b"x".to_vec(),
                        mode: 0o444,
                    },
                },
                CaseFile {
                    path: b"pipe".to_vec(),
                    content: Content::Fifo,
                },
            ],
            steps: vec![],
            property: Property::Fix,
            origin: String::new(),
        };
        case.materialize(dir.path()).unwrap();
        let before = snapshot(dir.path()).unwrap();
        assert_eq!(before.len(), 4);
        assert!(changed_paths(&before, &snapshot(dir.path()).unwrap()).is_empty());
        std::fs::write(dir.path().join("src/a.ts"), "const a = 2;\n").unwrap();
        std::fs::write(dir.path().join("new.ts"), "").unwrap();
        let after = snapshot(dir.path()).unwrap();
        assert_eq!(
            changed_paths(&before, &after),
            vec!["src/a.ts", "new.ts (new)"]
        );
    }
}
