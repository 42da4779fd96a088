//! Config errors come all at once, in file order, each with a "did you
//! mean" where a known name is close.

use std::process::Command;

#[test]
fn every_config_error_of_a_file_is_reported_in_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plumbline.toml"),
        "[gatway]\nurl = \"https://x.dev\"\n\n[rules.credential-in-log]\nskip_role = [\"test\"]\n\n\
         [oauth]\nownr = \"app\"\n\n[[rule]]\nid = \"x\"\nkind = \"forbiden-host\"\nmessage = \"m\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .arg("check")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr));
}
