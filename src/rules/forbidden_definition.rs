//! The `forbidden-definition` rule kind: functions whose very existence
//! breaks the architecture, found by name where they are defined.

use serde::Deserialize;

use crate::facts::definitions::function_definitions;
use crate::facts::function_names::FunctionNames;
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags definitions of functions whose names match a glob. In
    /// TypeScript/JavaScript: function declarations (also `export`, `export
    /// default`, `async`, generators), functions and arrow functions bound to a
    /// variable (`const name = () => …`, also wrapped as in
    /// `useCallback(async () => …)`), class methods, class fields holding a
    /// function, object-literal methods and properties holding a function, and
    /// `exports.name = function …`. In Python: `def` and `async def` at any
    /// level (module functions, nested functions, methods) and `name = lambda`.
    /// Python names match the glob as written and its snake_case form, so
    /// `save*Status` also matches `save_gcp_status`.
    ///
    /// Only definitions are flagged: calls, imports, re-exports and type
    /// signatures are not.
    ///
    /// ## Why is this bad?
    /// Some helpers exist only to do what the architecture forbids, such as
    /// copying state owned by another service into a local store. A definition
    /// invites every caller to use it; deleting it removes the temptation.
    ///
    /// ## Example
    /// ```ts
    /// export async function saveLegacyStatus(id: string, status: string) {
    ///   await db.from('accounts').update({ status }).eq('id', id);
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const status = await api.get(`/v1/accounts/${id}/status`);
    /// ```
    ///
    /// ## Options
    /// - `names`: globs over function names, written in camelCase; `*`
    ///   matches any run of characters (also none), and the glob must match the
    ///   whole name. Python definitions are also matched against the
    ///   snake_case form of each glob (`save*IntegrationStatus` becomes
    ///   `save_*_integration_status`).
    pub struct ForbiddenDefinition;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "names",
    description: "Globs over the forbidden function names, in camelCase (Python also matches the snake_case form).",
}];

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

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(ForbiddenDefinitionCheck {
            names: FunctionNames::new("names", &options.names)?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    names: Vec<String>,
}

struct ForbiddenDefinitionCheck {
    names: FunctionNames,
}

impl Check for ForbiddenDefinitionCheck {
    fn literals(&self) -> Vec<String> {
        self.names.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let family = file.language.family();
        for definition in function_definitions(file) {
            if self.names.is_match(family, &definition.name) {
                out.report(
                    Report::at(definition.span)
                        .var("name", definition.name)
                        .label("defined here"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
