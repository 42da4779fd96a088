//! The `forbidden-call-in-scope` rule kind: a call that is fine in general
//! but forbidden in certain code, chosen by file path or by what the calling
//! function touches.

use crate::lang::tree::NodeExt;
use std::ops::Range;

use globset::GlobSet;
use serde::Deserialize;
use tree_sitter::Node;

use crate::facts::columns::ColumnGlobs;
use crate::facts::function_names::FunctionNames;
use crate::facts::tables::{table_references, TableSet};
use crate::lang::tree::{ancestor, text, walk};
use crate::lang::{python as py, typescript as ts, Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags calls of certain functions, typically factories of privileged
    /// clients, made where they do not belong:
    ///
    /// - in a file whose project path matches one of `paths`, or
    /// - in a function whose body also touches a forbidden table (a
    ///   `.from('t')` / `.table("t")` query on one of `tables`) or a forbidden
    ///   column (a string or object key matching one of `columns`). A call
    ///   outside any function counts only by its file's path.
    ///
    /// Imports that rename a factory (`import { createServiceRoleClient as
    /// admin }`, `from db import create_service_role_client as admin`) are
    /// followed within the file.
    ///
    /// A call counts when its callee (`name(…)` or `obj.name(…)`) is one of
    /// `functions`, or when it is one of `client_constructors` (`createClient`,
    /// `new Client`) and its arguments mention a key marker (such as
    /// `process.env.SUPABASE_SERVICE_ROLE_KEY`), directly or through a
    /// constant of the same file. Markers match ignoring case, `_` and `-`, so
    /// `SERVICE_ROLE` also matches `serviceRoleKey`. Imports, re-exports, type
    /// references and the factory's own definition are not calls.
    ///
    /// ## Why is this bad?
    /// A privileged client (a service-role key bypasses row-level security)
    /// used in code that handles state owned by another system is how that
    /// state creeps back into the wrong store, with every permission check
    /// switched off.
    ///
    /// ## Example
    /// ```ts
    /// // src/integrations/gcp/sync.ts
    /// const admin = createAdminClient();
    /// await admin.from('accounts').update({ synced: true });
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// // src/integrations/gcp/sync.ts
    /// await api.post('/v1/integrations/gcp/sync');
    /// ```
    ///
    /// ## Options
    /// - `functions`: globs over the names of the forbidden functions, in
    ///   camelCase; Python calls also match the snake_case form.
    /// - `paths`: gitignore-style globs over project paths; a call in a
    ///   matching file is flagged.
    /// - `tables`: tables whose use in the calling function makes the call
    ///   forbidden.
    /// - `columns`: column-name globs whose use in the calling function makes
    ///   the call forbidden.
    /// - `key_markers`: text that marks a privileged key in the arguments of a
    ///   client constructor.
    /// - `client_constructors`: names of generic client constructors that
    ///   count as forbidden calls when given a key marked by `key_markers`.
    pub struct ForbiddenCallInScope;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "functions",
        description: "Globs over the names of the forbidden functions (camelCase; Python also matches snake_case).",
    },
    OptionDoc {
        name: "paths",
        description: "Gitignore-style globs over project paths where the calls are forbidden.",
    },
    OptionDoc {
        name: "tables",
        description: "Tables whose use in the same function makes the call forbidden.",
    },
    OptionDoc {
        name: "columns",
        description: "Column-name globs whose use in the same function makes the call forbidden.",
    },
    OptionDoc {
        name: "key_markers",
        description: "Text marking a privileged key in a client constructor's arguments (e.g. `SERVICE_ROLE`).",
    },
    OptionDoc {
        name: "client_constructors",
        description: "Generic client constructors that count when given a marked key (e.g. `createClient`).",
    },
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

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        if options.functions.is_empty()
            && (options.client_constructors.is_empty() || options.key_markers.is_empty())
        {
            return Err(OptionError::new(
                "functions",
                "list at least one function (or both `client_constructors` and `key_markers`)",
            ));
        }
        if options.paths.is_empty() && options.tables.is_empty() && options.columns.is_empty() {
            return Err(OptionError::new(
                "paths",
                "set `paths`, `tables` or `columns`: nothing says where the call is forbidden",
            ));
        }
        if options.key_markers.iter().any(|m| normalize(m).is_empty()) {
            return Err(OptionError::new(
                "key_markers",
                "a key marker must not be empty",
            ));
        }
        let functions = if options.functions.is_empty() {
            None
        } else {
            Some(FunctionNames::new("functions", &options.functions)?)
        };
        let paths = crate::config::build_globset(options.paths.iter().map(String::as_str))
            .map_err(|e| OptionError::new("paths", e))?;
        let tables = (!options.tables.is_empty())
            .then(|| TableSet::new("tables", &options.tables))
            .transpose()?;
        let columns = (!options.columns.is_empty())
            .then(|| ColumnGlobs::new("columns", &options.columns))
            .transpose()?;
        Ok(Box::new(ForbiddenCallInScopeCheck {
            functions,
            paths,
            tables,
            columns,
            key_markers: options.key_markers,
            client_constructors: options.client_constructors,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    functions: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    tables: Vec<String>,
    #[serde(default)]
    columns: Vec<String>,
    #[serde(default)]
    key_markers: Vec<String>,
    #[serde(default)]
    client_constructors: Vec<String>,
}

struct ForbiddenCallInScopeCheck {
    functions: Option<FunctionNames>,
    paths: GlobSet,
    tables: Option<TableSet>,
    columns: Option<ColumnGlobs>,
    key_markers: Vec<String>,
    client_constructors: Vec<String>,
}

/// Lower-cased with `_` and `-` removed, so `SERVICE_ROLE` and
/// `serviceRole` compare equal.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A call the check may report.
struct Candidate<'t> {
    node: Node<'t>,
    name: Node<'t>,
    callee: String,
}

impl Check for ForbiddenCallInScopeCheck {
    /// A factory call spells the factory's name; a constructor call that
    /// counts spells a key marker (in the call or in a constant it reads).
    fn literals(&self) -> Vec<String> {
        let mut literals = match &self.functions {
            Some(functions) => {
                let l = functions.literals();
                if l.is_empty() {
                    return Vec::new();
                }
                l
            }
            None => Vec::new(),
        };
        if !self.client_constructors.is_empty() {
            for marker in &self.key_markers {
                literals.push(marker.clone());
                literals.push(normalize(marker));
                literals.push(marker.replace('_', "-"));
            }
        }
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(tree) = file.tree() else { return };
        let root = tree.root_node();
        let src = file.text();
        let family = file.language.family();
        let candidates = match family {
            Family::Js => self.ts_candidates(root, src),
            Family::Python => self.py_candidates(root, src),
            _ => return,
        };
        if candidates.is_empty() {
            return;
        }
        let in_scope_path = self.paths.is_match(file.path());
        for candidate in candidates {
            let reason = if in_scope_path {
                "the file is integration code".to_string()
            } else {
                let function_kinds: &[&str] = match family {
                    Family::Js => ts::FUNCTION_KINDS,
                    _ => &["function_definition", "lambda"],
                };
                let function = candidate
                    .node
                    .parent()
                    .and_then(|p| ancestor(p, function_kinds));
                let Some(function) = function else {
                    continue;
                };
                let Some(touched) = self.touches(file, root, function) else {
                    continue;
                };
                format!("the same function touches `{touched}`")
            };
            out.report(
                Report::at(candidate.name.byte_range())
                    .var("call", candidate.callee)
                    .var("reason", reason)
                    .label("called here"),
            );
        }
    }
}

impl ForbiddenCallInScopeCheck {
    fn is_function(&self, family: Family, name: &str) -> bool {
        self.functions
            .as_ref()
            .is_some_and(|f| f.is_match(family, name))
    }

    fn is_constructor(&self, name: &str) -> bool {
        self.client_constructors.iter().any(|c| c == name)
    }

    fn has_marker(&self, text: &str) -> bool {
        let text = normalize(text);
        self.key_markers
            .iter()
            .any(|m| text.contains(&normalize(m)))
    }

    /// Local names under which the file imports a factory.
    fn imported_aliases(&self, root: Node<'_>, src: &str, family: Family) -> Vec<String> {
        let mut aliases = Vec::new();
        let (kind, name_field) = match family {
            Family::Js => ("import_specifier", "name"),
            _ => ("aliased_import", "name"),
        };
        walk(root, |node| {
            if node.kind_str() == kind {
                if let (Some(name), Some(alias)) =
                    (node.child_by_field_name(name_field), node.field("alias"))
                {
                    let imported = text(name, src).rsplit('.').next().unwrap_or_default();
                    if self.is_function(family, imported) {
                        aliases.push(text(alias, src).to_string());
                    }
                }
                return false;
            }
            true
        });
        aliases
    }

    fn ts_candidates<'t>(&self, root: Node<'t>, src: &str) -> Vec<Candidate<'t>> {
        let mut found = Vec::new();
        let aliases = self.imported_aliases(root, src, Family::Js);
        walk(root, |node| {
            let (name, callee, args) = match node.kind_str() {
                "call_expression" => {
                    let Some(call) = ts::call(node) else {
                        return true;
                    };
                    let function = node.field("function");
                    (call.name, function, call.args)
                }
                "new_expression" => {
                    let Some(constructor) = node.field("constructor") else {
                        return true;
                    };
                    let name = match constructor.kind_str() {
                        "member_expression" => constructor.field("property"),
                        "identifier" => Some(constructor),
                        _ => None,
                    };
                    let args = node
                        .field("arguments")
                        .map(crate::lang::tree::named_children)
                        .unwrap_or_default();
                    let Some(name) = name else { return true };
                    (name, Some(constructor), args)
                }
                _ => return true,
            };
            let name_text = text(name, src);
            let counts = (node.kind_str() == "call_expression"
                && (self.is_function(Family::Js, name_text)
                    || aliases.iter().any(|a| a == name_text)))
                || (self.is_constructor(name_text)
                    && args.iter().any(|a| {
                        self.has_marker(text(*a, src))
                            || self.ts_arg_constant_has_marker(root, src, *a)
                    }));
            if counts {
                found.push(Candidate {
                    node,
                    name,
                    callee: callee_text(callee, name, src),
                });
            }
            true
        });
        found
    }

    /// `createClient(url, key)` with `const key = process.env.…SERVICE_ROLE…`.
    fn ts_arg_constant_has_marker(&self, root: Node<'_>, src: &str, arg: Node<'_>) -> bool {
        let arg = ts::unwrap_expression(arg);
        arg.kind_str() == "identifier"
            && ts::const_initializer(root, src, text(arg, src), arg.start_byte())
                .is_some_and(|value| self.has_marker(text(value, src)))
    }

    fn py_candidates<'t>(&self, root: Node<'t>, src: &str) -> Vec<Candidate<'t>> {
        let mut found = Vec::new();
        let aliases = self.imported_aliases(root, src, Family::Python);
        walk(root, |node| {
            let Some(call) = py::call(node) else {
                return true;
            };
            let name_text = text(call.name, src);
            let counts = self.is_function(Family::Python, name_text)
                || aliases.iter().any(|a| a == name_text)
                || (self.is_constructor(name_text)
                    && call
                        .args
                        .iter()
                        .chain(call.kwargs.iter().map(|(_, v)| v))
                        .any(|a| {
                            self.has_marker(text(*a, src))
                                || (a.kind_str() == "identifier"
                                    && py::assignment_value(
                                        root,
                                        src,
                                        text(*a, src),
                                        a.start_byte(),
                                    )
                                    .is_some_and(|v| self.has_marker(text(v, src))))
                        }));
            if counts {
                found.push(Candidate {
                    node,
                    name: call.name,
                    callee: callee_text(node.field("function"), call.name, src),
                });
            }
            true
        });
        found
    }

    /// The first forbidden table or column `scope` touches.
    fn touches(&self, file: &ParsedFile, root: Node<'_>, scope: Node<'_>) -> Option<String> {
        if let Some(tables) = &self.tables {
            let mut table = None;
            table_references(
                file,
                root,
                scope,
                tables,
                &mut |_: Range<usize>, t: &str| {
                    table.get_or_insert_with(|| t.to_string());
                },
            );
            if table.is_some() {
                return table;
            }
        }
        let columns = self.columns.as_ref()?;
        let src = file.text();
        let family = file.language.family();
        let mut column = None;
        walk(scope, |node| {
            if column.is_some() {
                return false;
            }
            let name = match (family, node.kind_str()) {
                (Family::Js, "string" | "template_string") => {
                    ts::string_literal(node, src).map(|s| s.with_placeholders())
                }
                (Family::Js, "shorthand_property_identifier") => Some(text(node, src).to_string()),
                (Family::Js, "property_identifier") => node
                    .parent()
                    .filter(|p| p.kind_str() == "pair")
                    .map(|_| text(node, src).to_string()),
                (Family::Python, "string") => {
                    py::string_literal(node, src).map(|s| s.with_placeholders())
                }
                (Family::Python, "keyword_argument") => {
                    node.field("name").map(|n| text(n, src).to_string())
                }
                _ => None,
            };
            if let Some(name) = name.filter(|n| columns.is_match(n)) {
                column = Some(name);
            }
            true
        });
        column
    }
}

/// `name` or `obj.name` as written, when it fits on one short line.
fn callee_text(callee: Option<Node<'_>>, name: Node<'_>, src: &str) -> String {
    callee
        .map(|c| text(c, src))
        .filter(|t| t.len() <= 60 && !t.contains(['\n', '(']))
        .unwrap_or_else(|| text(name, src))
        .to_string()
}

#[cfg(test)]
mod tests {

    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("supabase-service-role-for-integrations", &[(path, text)])
            .iter()
            .map(|f| format!("{}: {}", &text[f.span.clone()], f.message))
            .collect()
    }

    #[test]
    fn calls_in_integration_paths() {
        let src = "import { createServiceRoleClient } from '@/lib/supabase/admin';\n\
                   export type F = typeof createServiceRoleClient;\n\
                   export async function sync() { const admin = lib.createServiceRoleClient(); }\n";
        assert_eq!(
            flagged("src/integrations/gcp/sync.ts", src),
            vec!["createServiceRoleClient: `lib.createServiceRoleClient` creates a service-role Supabase client in integration code (the file is integration code)"]
        );
        assert_eq!(flagged("lib/aws-integration.ts", src).len(), 1);
        assert!(flagged("src/app/admin/users.ts", src).is_empty());
        let py = "from app.supabase import create_service_role_client\n\
                  def f():\n    return create_service_role_client()\n";
        assert_eq!(flagged("app/integrations/aws.py", py).len(), 1);
        assert!(flagged("scripts/reset.py", py).is_empty());
    }

    #[test]
    fn calls_in_functions_that_touch_forbidden_state() {
        let src = "export async function a() {\n  const s = createServiceRoleClient();\n  await s.from('cloud_provider_integrations').delete();\n}\n\
                   export const b = async () => {\n  const s = createServiceRoleClient();\n  await s.from('organizations').update({ integration_gcp_status: 'x' });\n};\n\
                   export async function c() {\n  const s = createServiceRoleClient();\n  await s.auth.admin.deleteUser(id);\n}\n\
                   export async function d() {\n  await db.from('cloud_provider_integrations').select();\n}\n";
        assert_eq!(
            flagged("lib/jobs.ts", src),
            vec![
                "createServiceRoleClient: `createServiceRoleClient` creates a service-role Supabase client in integration code (the same function touches `cloud_provider_integrations`)",
                "createServiceRoleClient: `createServiceRoleClient` creates a service-role Supabase client in integration code (the same function touches `integration_gcp_status`)",
            ]
        );
        // Module-level calls are judged by their file's path only.
        let module = "const admin = createServiceRoleClient();\nexport const q = () => admin.from('cloud_provider_integrations');\n";
        assert!(flagged("lib/x.ts", module).is_empty());
        assert_eq!(flagged("lib/integrations/x.ts", module).len(), 1);
        let aliased = "import { createServiceRoleClient as adminClient } from '@/lib/supabase/admin';\nexport async function up(rows) {\n  const db = adminClient();\n  return db.from('cloud_provider_integrations').upsert(rows);\n}\n";
        assert_eq!(flagged("lib/cloud.ts", aliased).len(), 1);
        let py_aliased = "from app.db import create_service_role_client as admin\ndef f():\n    admin().table(\"cloud_provider_integrations\").select(\"*\").execute()\n";
        assert_eq!(flagged("app/jobs.py", py_aliased).len(), 1);
        let py = "def f(org):\n    s = create_service_role_client()\n    s.table(\"cloud_provider_integrations\").select(\"*\").execute()\n\
                  def g():\n    s = create_service_role_client()\n    s.auth.reset_password_email(e)\n";
        assert_eq!(flagged("app/services/billing.py", py).len(), 1);
    }

    #[test]
    fn client_constructors_with_service_role_keys() {
        let src = "const key = process.env.SUPABASE_SERVICE_ROLE_KEY!;\n\
                   export const a = createClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY!);\n\
                   export const b = createClient<Database>(url, key, { auth: {} });\n\
                   export const c = createClient(url, config.supabaseServiceRoleKey);\n\
                   export const d = createClient(url, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!);\n\
                   export const e = new SupabaseClient(url, key);\n";
        assert_eq!(flagged("src/integrations/aws/client.ts", src).len(), 3);
        let py = "KEY = os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"]\n\
                  a = create_client(url, os.environ[\"SUPABASE_SERVICE_ROLE_KEY\"])\n\
                  b = create_client(url, KEY)\n\
                  c = create_client(url, settings.supabase_service_role_key)\n\
                  d = create_client(url, settings.supabase_anon_key)\n";
        assert_eq!(flagged("app/integrations/db.py", py).len(), 3);
        assert!(flagged("app/db.py", py).is_empty());
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let compile =
            |text: &str| super::ForbiddenCallInScope.compile(&toml::from_str(text).unwrap());
        assert_eq!(
            compile("paths = ['x/**']").err().unwrap().option.as_deref(),
            Some("functions")
        );
        assert_eq!(
            compile("functions = ['f']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("paths")
        );
        assert_eq!(
            compile("functions = ['f']\npaths = ['a[']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("paths")
        );
        assert_eq!(
            compile("functions = ['f']\ntables = []\ncolumns = ['']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("columns")
        );
        let check = compile(
            "functions = ['createAdmin']\npaths = ['**/x/**']\nkey_markers = ['SERVICE_ROLE']\nclient_constructors = ['createClient']",
        )
        .ok()
        .unwrap();
        assert_eq!(
            check.literals(),
            vec![
                "createAdmin",
                "create_admin",
                "SERVICE_ROLE",
                "servicerole",
                "SERVICE-ROLE"
            ]
        );
    }
}
