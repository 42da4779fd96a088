//! The `forbidden-call-in-scope` rule kind: a call that is fine in general
//! but forbidden in certain code, chosen by file path or by what the calling
//! function touches.

use crate::globs::LazyGlobSet;
use serde::Deserialize;

use crate::facts::columns::ColumnGlobs;
use crate::facts::function_names::FunctionNames;
use crate::facts::scoped_calls::{self, CallFilter};
use crate::facts::tables::TableSet;
use crate::lang::{Family, ParsedFile};
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
        let paths = LazyGlobSet::new(options.paths.iter().map(String::as_str))
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
    paths: LazyGlobSet,
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
        let family = file.language.family();
        let filter = CallFilter {
            function: &|name| self.is_function(family, name),
            constructor: &|name| self.is_constructor(name),
            argument: &|text| self.has_marker(text),
        };
        let calls = scoped_calls::calls(file, &filter);
        if calls.is_empty() {
            return;
        }
        let in_scope_path = self.paths.is_match(file.path());
        for call in calls {
            let reason = if in_scope_path {
                "the file is integration code".to_string()
            } else {
                let Some(function) = call.function.as_ref() else {
                    continue;
                };
                let touched = scoped_calls::touched(
                    file,
                    function,
                    self.tables.as_ref(),
                    self.columns.as_ref(),
                );
                let Some(touched) = touched else {
                    continue;
                };
                format!("the same function touches `{touched}`")
            };
            out.report(
                Report::at(call.span)
                    .var("call", call.callee)
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
}

#[cfg(test)]
mod tests;
