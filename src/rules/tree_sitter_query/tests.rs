use super::*;

fn compile(options: &str) -> Result<Box<dyn Check>, OptionError> {
    TreeSitterQuery.compile(&toml::from_str(options).unwrap())
}

#[test]
fn invalid_queries_point_at_the_error() {
    let err = compile("language = \"python\"\nquery = \"(call function: (identifier) @f\"")
        .err()
        .unwrap();
    assert_eq!(err.option.as_deref(), Some("query"));
    assert!(err.offset.is_some());
    let err = compile("language = \"python\"\nquery = \"(no_such_node) @x\"")
        .err()
        .unwrap();
    assert!(err.message.contains("NodeType"), "{}", err.message);
    let err = compile("language = \"cobol\"\nquery = \"(x)\"")
        .err()
        .unwrap();
    assert_eq!(err.option.as_deref(), Some("language"));
}

#[test]
fn captures_are_named_or_unique() {
    assert!(compile("language = \"python\"\nquery = \"(call) @c\"").is_ok());
    let err = compile("language = \"python\"\nquery = \"(call function: (identifier) @f) @c\"")
        .err()
        .unwrap();
    assert_eq!(err.option.as_deref(), Some("capture"));
    let err = compile("language = \"python\"\nquery = \"(call) @c\"\ncapture = \"nope\"")
        .err()
        .unwrap();
    assert!(err.message.contains("@c"));
}
