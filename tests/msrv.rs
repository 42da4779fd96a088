//! The declared `rust-version` is true: no locked dependency needs a newer
//! compiler than `Cargo.toml` promises.

use std::process::Command;

/// `1.85` and `1.85.0` are the same version.
fn version(text: &str) -> [u32; 3] {
    let mut parts = text.split('.').map(|part| part.parse().unwrap_or(0));
    [0; 3].map(|_| parts.next().unwrap_or(0))
}

#[test]
fn declared_rust_version_covers_every_locked_dependency() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let declared = manifest["package"]["rust-version"]
        .as_str()
        .expect("package.rust-version is set");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Offline first; a fresh machine may not have every platform's crates
    // yet, and cargo metadata reads them all.
    let metadata = |offline: bool| {
        let mut command = Command::new(&cargo);
        command.args(["metadata", "--format-version", "1", "--locked"]);
        if offline {
            command.arg("--offline");
        }
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs")
    };
    let mut output = metadata(true);
    if !output.status.success() {
        output = metadata(false);
    }
    if !output.status.success() {
        println!(
            "skipped: cargo metadata cannot read the locked dependencies here: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return;
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let too_new: Vec<String> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|package| {
            let needs = package["rust_version"].as_str()?;
            (version(needs) > version(declared)).then(|| {
                format!(
                    "{} {} needs {needs}",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml declares rust-version {declared}, but: {}",
        too_new.join("; ")
    );
}
