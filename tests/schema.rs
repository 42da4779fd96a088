//! `plumbline.schema.json` is what `plumbline config --schema` prints, and
//! every config in the repository validates against it while typos do not.

use std::path::Path;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&plumbline::schema::config_schema_text()).unwrap();
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let table: toml::Table = toml_text.parse().expect("valid TOML");
    serde_json::to_value(table).unwrap()
}

#[test]
fn the_repository_copy_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("plumbline.schema.json");
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == plumbline::schema::config_schema_text(),
        "plumbline.schema.json is stale: run `cargo run -- config --schema > plumbline.schema.json`"
    );
}

#[test]
fn every_config_in_the_repository_validates() {
    let validator = validator();
    let mut checked = 0;
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "plumbline.toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let Ok(table) = text.parse::<toml::Table>() else {
                    continue; // fixtures of broken configs
                };
                let instance = serde_json::to_value(table).unwrap();
                let errors: Vec<String> = validator
                    .iter_errors(&instance)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                // Configs that plumbline itself rejects may fail the schema too.
                let accepted =
                    plumbline::config::ConfigFile::load(&path, path.display().to_string()).is_ok();
                if accepted {
                    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "only {checked} configs found");
}

#[test]
fn mistakes_fail_the_schema() {
    let validator = validator();
    for (text, why) in [
        ("[gateway]\nforbiden_hosts = [\"x\"]\n", "unknown key"),
        ("[gatway]\nurl = \"https://g.dev\"\n", "unknown section"),
        ("[oauth]\nowner = \"nobody\"\n", "bad enum"),
        (
            "[rules.forbidden-gateway-host]\nseverity = \"fatal\"\n",
            "bad severity",
        ),
        (
            "[rules.forbidden-gateway-host]\ncheck_coments = true\n",
            "unknown option",
        ),
        (
            "[rules.forbidden-gateway-host]\ncheck_comments = \"yes\"\n",
            "wrong type",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"no-such-kind\"\nmessage = \"m\"\n",
            "unknown kind",
        ),
    ] {
        assert!(!validator.is_valid(&as_json(text)), "{why}: {text}");
    }
    let good = "[gateway]\nforbidden_hosts = [\"legacy-gw\"]\n\
                [rules.forbidden-gateway-host]\nseverity = \"warning\"\ncheck_comments = true\n\
                [[rule]]\nid = \"no-legacy-crm\"\nkind = \"forbidden-host\"\nmessage = \"m\"\n\
                [rule.options]\nhosts = [\"legacy-crm\"]\n";
    assert!(validator.is_valid(&as_json(good)));
}
