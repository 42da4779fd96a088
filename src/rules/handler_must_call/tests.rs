use crate::rules::kind;

#[test]
fn options_are_checked() {
    let k = kind("handler-must-call").unwrap();
    assert!(k
        .compile(&toml::from_str("calls = [\"verify\"]").unwrap())
        .is_err());
    assert!(k
        .compile(&toml::from_str("routes = [\"/webhooks/**\"]\ncalls = []").unwrap())
        .is_err());
    assert!(k
        .compile(&toml::from_str("routes = [\"/webhooks/**\"]\ncalls = [\"verify*\"]").unwrap())
        .is_ok());
}
