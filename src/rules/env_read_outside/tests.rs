use crate::rules::kind;

#[test]
fn options_are_checked() {
    let k = kind("env-read-outside").unwrap();
    assert!(k.compile(&toml::from_str("names = []").unwrap()).is_err());
    assert!(k
        .compile(&toml::from_str("names = [\"A\"]\nallow = [\"a/{b\"]").unwrap())
        .is_err());
    assert!(k
        .compile(&toml::from_str("names = [\"STRIPE_*\"]\nallow = [\"packages/config\"]").unwrap())
        .is_ok());
}
