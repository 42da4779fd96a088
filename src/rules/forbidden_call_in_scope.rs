//! The `forbidden-call-in-scope` rule kind.

use crate::lang::{Family, ParsedFile};
use crate::rules::{declare_kind, Check, Kind, OptionDoc, OptionError, Reporter};

declare_kind! {
    /// ## What it does
    /// TODO
    pub struct ForbiddenCallInScope;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc { name: "functions", description: "TODO" },
    OptionDoc { name: "paths", description: "TODO" },
    OptionDoc { name: "tables", description: "TODO" },
    OptionDoc { name: "columns", description: "TODO" },
    OptionDoc { name: "key_markers", description: "TODO" },
    OptionDoc { name: "client_constructors", description: "TODO" },
];

impl Kind for ForbiddenCallInScope {
    fn id(&self) -> &'static str {
        "forbidden-call-in-scope"
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
