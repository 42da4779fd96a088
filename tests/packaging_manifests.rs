//! The package manifests agree with Cargo.toml and with each other: the
//! wheel, the npm launcher and its platform packages carry one version, the
//! launcher names every platform package, the README's pre-commit snippet
//! pins that version, and the two pre-commit hooks run the same check on
//! the same files. (tests/packaging.sh builds and runs the packages.)

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cargo_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[test]
fn the_wheel_is_binary_only_and_takes_cargo_s_version() {
    let pyproject: toml::Table = read(&repo().join("pyproject.toml")).parse().unwrap();
    assert_eq!(
        pyproject["build-system"]["build-backend"].as_str(),
        Some("maturin")
    );
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
    let project = &pyproject["project"];
    assert_eq!(project["name"].as_str(), Some("plumbline-cli"));
    assert!(
        project.get("version").is_none(),
        "the version comes from Cargo.toml"
    );
    assert_eq!(project["dynamic"][0].as_str(), Some("version"));
}

#[test]
fn npm_packages_carry_one_version_and_the_launcher_names_each_platform() {
    let launcher = json(&repo().join("npm/launcher/package.json"));
    assert_eq!(launcher["version"], cargo_version().as_str());
    assert_eq!(launcher["bin"]["plumbline"], "bin/plumbline.js");
    let optional = launcher["optionalDependencies"].as_object().unwrap();

    let mut platforms = Vec::new();
    for entry in std::fs::read_dir(repo().join("npm/platforms")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = json(&dir.join("package.json"));
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (os, cpu) = folder
            .split_once('-')
            .expect("platform folders are named OS-CPU");
        assert_eq!(manifest["name"], format!("plumbline-cli-{folder}").as_str());
        assert_eq!(manifest["version"], cargo_version().as_str());
        assert_eq!(manifest["os"], serde_json::json!([os]), "{folder}");
        assert_eq!(manifest["cpu"], serde_json::json!([cpu]), "{folder}");
        assert_eq!(
            optional.get(manifest["name"].as_str().unwrap()),
            Some(&serde_json::Value::from(cargo_version())),
            "the launcher's optionalDependencies name {folder} at Cargo.toml's version"
        );
        platforms.push(folder);
    }
    assert_eq!(
        optional.len(),
        platforms.len(),
        "{optional:?} vs {platforms:?}"
    );

    let script = read(&repo().join("npm/launcher/bin/plumbline.js"));
    assert!(script.starts_with("#!/usr/bin/env node\n"));
    assert!(script.contains("`plumbline-cli-${process.platform}-${process.arch}`"));
}

#[test]
fn the_readme_pins_the_wheel_at_cargo_s_version() {
    let readme = read(&repo().join("README.md"));
    let pin = format!(
        "additional_dependencies: [\"plumbline-cli=={}\"]",
        cargo_version()
    );
    assert!(readme.contains(&pin), "README.md should contain {pin}");
}

/// The value of `key: value` in one hook of .pre-commit-hooks.yaml.
fn hook_field(hooks: &str, id: &str, key: &str) -> String {
    let start = hooks
        .find(&format!("- id: {id}\n"))
        .unwrap_or_else(|| panic!("no hook {id}"));
    let block = &hooks[start + 2..];
    let block = &block[..block.find("\n- id: ").unwrap_or(block.len())];
    block
        .lines()
        .find_map(|line| line.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("hook {id} has no {key}"))
        .to_owned()
}

#[test]
fn both_pre_commit_hooks_run_the_same_check_on_the_same_files() {
    let hooks = read(&repo().join(".pre-commit-hooks.yaml"));
    assert_eq!(hook_field(&hooks, "plumbline", "language"), "rust");
    assert_eq!(hook_field(&hooks, "plumbline-python", "language"), "python");
    for key in ["entry", "files", "pass_filenames"] {
        assert_eq!(
            hook_field(&hooks, "plumbline", key),
            hook_field(&hooks, "plumbline-python", key),
            "{key}"
        );
    }
    assert!(hook_field(&hooks, "plumbline", "entry").contains("--force-exclude"));
    let readme = read(&repo().join("README.md"));
    assert!(
        readme.contains(&format!(
            "files: {}",
            hook_field(&hooks, "plumbline", "files")
        )),
        "the README's local hook reads the same files as .pre-commit-hooks.yaml"
    );
}
