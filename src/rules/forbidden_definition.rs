//! The `forbidden-definition` rule kind.

use crate::lang::{Family, ParsedFile};
use crate::rules::{declare_kind, Check, Kind, OptionDoc, OptionError, Reporter};

declare_kind! {
    /// ## What it does
    /// TODO
    pub struct ForbiddenDefinition;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc { name: "names", description: "TODO" },
];

impl Kind for ForbiddenDefinition {
    fn id(&self) -> &'static str {
        "forbidden-definition"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, _options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        Ok(Box::new(Stub))
    }
}

struct Stub;

impl Check for Stub {
    fn literals(&self) -> Vec<String> {
        vec!["\u{0}never".to_string()]
    }

    fn check(&self, _file: &ParsedFile, _out: &mut Reporter<'_>) {}
}

#[cfg(test)]
mod sexp_dump {
    #[test]
    fn dump() {
        let src = std::env::var("DUMP_SRC").unwrap_or_default();
        let lang = std::env::var("DUMP_LANG").unwrap_or_default();
        let l = match lang.as_str() { "py" => crate::lang::Language::Python, _ => crate::lang::Language::Tsx };
        let t = crate::lang::tree::parse(l, &src).unwrap();
        fn pr(n: tree_sitter::Node, src: &str, d: usize, field: Option<&str>) {
            let txt = &src[n.byte_range()];
            let short: String = txt.chars().take(40).collect::<String>().replace('\n', "⏎");
            println!("{}{}{}{} {:?}", "  ".repeat(d), field.map(|f| format!("{f}: ")).unwrap_or_default(), if n.is_named() {""} else {"'"}, n.kind(), short);
            let mut c = n.walk();
            for (i, ch) in n.children(&mut c).enumerate() { pr(ch, src, d+1, n.field_name_for_child(i as u32)); }
        }
        pr(t.root_node(), &src, 0, None);
    }
}
