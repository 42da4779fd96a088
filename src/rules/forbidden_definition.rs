//! The `forbidden-definition` rule kind: functions whose very existence
//! breaks the architecture, found by name where they are defined.

use crate::lang::tree::NodeExt;
use std::ops::Range;

use serde::Deserialize;
use tree_sitter::Node;

use crate::facts::function_names::FunctionNames;
use crate::lang::tree::{text, walk};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
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
        let Some(tree) = file.tree() else { return };
        let src = file.text();
        let family = file.language.family();
        let definitions = match family {
            Family::Js => ts_definitions(tree.root_node(), src),
            Family::Python => py_definitions(tree.root_node(), src),
            _ => return,
        };
        for (name, span) in definitions {
            if self.names.is_match(family, &name) {
                out.report(Report::at(span).var("name", name).label("defined here"));
            }
        }
    }
}

/// Names of the functions a JS-family file defines, with the name's span.
fn ts_definitions(root: Node<'_>, src: &str) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    walk(root, |node| {
        let name = match node.kind_str() {
            "function_declaration" | "generator_function_declaration" | "method_definition" => {
                node.field("name")
            }
            "variable_declarator" | "public_field_definition" | "field_definition" => node
                .field("value")
                .filter(|v| ts_defines_function(*v))
                .and_then(|_| node.field("name")),
            "pair" => node
                .field("value")
                .filter(|v| ts_defines_function(*v))
                .and_then(|_| node.field("key")),
            "assignment_expression" => node
                .field("right")
                .filter(|v| ts_defines_function(*v))
                .and_then(|_| node.field("left"))
                .and_then(|left| match left.kind_str() {
                    "member_expression" => left.field("property"),
                    "identifier" => Some(left),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(name) = name {
            let written = match name.kind_str() {
                "identifier" | "property_identifier" | "private_property_identifier" => {
                    Some(text(name, src).trim_start_matches('#').to_string())
                }
                _ => ts::property_key(name, src).map(|k| k.into_owned()),
            };
            if let Some(written) = written {
                found.push((written, name.byte_range()));
            }
        }
        true
    });
    found
}

const TS_FUNCTION_VALUES: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
];

/// Whether a value is a function: a function expression, or a call that
/// wraps one (`useCallback(async () => …, [])`, `withAuth(function () {…})`).
fn ts_defines_function(value: Node<'_>) -> bool {
    let value = ts::unwrap_expression(value);
    if TS_FUNCTION_VALUES.contains(&value.kind_str()) {
        return true;
    }
    ts::call(value).is_some_and(|call| {
        call.args
            .iter()
            .any(|a| TS_FUNCTION_VALUES.contains(&ts::unwrap_expression(*a).kind_str()))
    })
}

/// Names of the functions a Python file defines: `def`, `async def`, and
/// `name = lambda …`.
fn py_definitions(root: Node<'_>, src: &str) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    walk(root, |node| {
        let name = match node.kind_str() {
            "function_definition" => node.field("name"),
            "assignment" => node
                .field("right")
                .filter(|r| py::unwrap_expression(*r).kind_str() == "lambda")
                .and_then(|_| node.field("left"))
                .and_then(|left| match left.kind_str() {
                    "identifier" => Some(left),
                    "attribute" => left.field("attribute"),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(name) = name {
            found.push((text(name, src).to_string(), name.byte_range()));
        }
        true
    });
    found
}

#[cfg(test)]
mod tests {

    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("supabase-save-integration-status", &[(path, text)])
            .iter()
            .map(|f| format!("{}: {}", &text[f.span.clone()], f.message))
            .collect()
    }

    fn names(path: &str, text: &str) -> Vec<String> {
        flagged(path, text)
            .into_iter()
            .map(|f| f.split(':').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn js_definitions() {
        let src = "export async function saveGcpIntegrationStatus() {}\n\
                   export default function saveIntegrationStatus() {}\n\
                   export const saveAwsIntegrationStatus = async (a: string): Promise<void> => {};\n\
                   const saveAzureIntegrationStatus = async function () {};\n\
                   const saveOciIntegrationStatus = useCallback(async () => {}, []);\n\
                   class S { async saveAIntegrationStatus() {} saveBIntegrationStatus = () => 1; #saveCIntegrationStatus() {} }\n\
                   const o = { saveDIntegrationStatus() {}, saveEIntegrationStatus: async () => {}, 'saveFIntegrationStatus': function () {} };\n\
                   exports.saveGIntegrationStatus = function () {};\n\
                   import { saveHIntegrationStatus } from './x';\n\
                   await saveHIntegrationStatus(1);\n\
                   const r = { saveIIntegrationStatus };\n\
                   interface I { saveJIntegrationStatus(): void }\n\
                   function saveKIntegrationStatus(a: string): void;\n\
                   const saveLIntegrationStatus = other;\n\
                   function saveIntegrationStatusHistory() {}\n\
                   function getGcpIntegrationStatus() {}\n\
                   function save_gcp_integration_status() {}\n";
        assert_eq!(
            names("a.ts", src),
            vec![
                "saveGcpIntegrationStatus",
                "saveIntegrationStatus",
                "saveAwsIntegrationStatus",
                "saveAzureIntegrationStatus",
                "saveOciIntegrationStatus",
                "saveAIntegrationStatus",
                "saveBIntegrationStatus",
                "#saveCIntegrationStatus",
                "saveDIntegrationStatus",
                "saveEIntegrationStatus",
                "'saveFIntegrationStatus'",
                "saveGIntegrationStatus",
            ]
        );
        assert_eq!(
            flagged("a.ts", "function saveGcpIntegrationStatus() {}")[0],
            "saveGcpIntegrationStatus: `saveGcpIntegrationStatus` saves integration status; such helpers must not exist"
        );
    }

    #[test]
    fn python_definitions() {
        let src = "def save_gcp_integration_status(a):\n    pass\n\
                   async def save_integration_status():\n    def save_aws_integration_status(): pass\n\
                   class R:\n    @staticmethod\n    def save_oci_integration_status(self): pass\n\
                   def saveAzureIntegrationStatus(): pass\n\
                   save_x_integration_status = lambda a: a\n\
                   from m import save_y_integration_status\n\
                   save_y_integration_status(1)\n\
                   def get_gcp_integration_status(): pass\n\
                   def save_integration_settings(): pass\n";
        assert_eq!(
            names("a.py", src),
            vec![
                "save_gcp_integration_status",
                "save_integration_status",
                "save_aws_integration_status",
                "save_oci_integration_status",
                "saveAzureIntegrationStatus",
                "save_x_integration_status",
            ]
        );
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile =
            |text: &str| super::ForbiddenDefinition.compile(&toml::from_str(text).unwrap());
        assert_eq!(
            compile("names = []").err().unwrap().option.as_deref(),
            Some("names")
        );
        assert_eq!(
            compile("names = ['*']").err().unwrap().option.as_deref(),
            Some("names")
        );
        assert_eq!(
            compile("names = ['save Status']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("names")
        );
        let check = compile("names = ['save*IntegrationStatus']").ok().unwrap();
        assert_eq!(
            check.literals(),
            vec!["IntegrationStatus", "_integration_status"]
        );
        assert!(compile("names = ['a*b']")
            .ok()
            .unwrap()
            .literals()
            .is_empty());
    }
}
