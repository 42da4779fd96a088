//! The `plaintext-column` rule kind: database columns that hold a secret
//! in clear, found where the schema declares them (SQL migrations, Prisma
//! models) by their name and text-like type.

use std::collections::HashSet;

use serde::Deserialize;

use crate::facts::names::{snake_case, NameGlob};
use crate::facts::schema_columns::{self, DeclaredColumn};
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};
use data::{PLATFORM_SCHEMAS, PROTECTED_WORDS};

declare_kind! {
    /// ## What it does
    /// Flags column declarations that store a secret as readable text: a
    /// column whose name says it holds a credential and whose type is
    /// text-like. Declarations are read from:
    ///
    /// - SQL (`.sql` files, such as `supabase/migrations/` or Prisma's
    ///   `migration.sql`): column definitions of `create table` (also `if not
    ///   exists`, temporary and unlogged tables), `alter table … add [column]
    ///   [if not exists] name type` and `alter table … alter [column] name
    ///   [set data] type type`, with quoted and schema-qualified names;
    /// - Prisma schemas (`*.prisma`): the fields of `model`, `view` and `type`
    ///   blocks, `accessToken String? @db.Text`, with `@map("…")` and
    ///   `@@map("…")` respected.
    ///
    /// Names are compared in snake_case (`accessToken` is `access_token`). A
    /// name matches a listed column when it is the listed name or its plural
    /// (`credentials`), or ends with `_` and one of them (`google_refresh_token`,
    /// `openai_api_key`, `webhook_secret`). A qualified name is not flagged
    /// when a word before the listed name is one of `exempt_qualifiers`
    /// (`csrf_token`, `session_token`, `next_page_token`: tokens the app issues
    /// or that are no credential). A bare one-word name (`token`, `password`)
    /// is not flagged in a table matching `exempt_tables` (`users.password`,
    /// `verification_tokens.token`), where it normally holds a hash.
    ///
    /// Never flagged: names with a word that says the value is protected
    /// (`encrypted_access_token`, `hashed_password`, `masked_api_key`; and
    /// `access_token_encrypted`, `password_hash`, `api_key_digest`,
    /// `token_ciphertext` do not end with a listed name anyway), names that
    /// merely start with one (`token_type`, `token_expires_at`, `secret_ref`,
    /// `credential_id`), binary or other non-text types (`bytea`, Prisma
    /// `Bytes`, `String @db.Uuid`), columns that a `security label for
    /// pgsodium on column …` of the same file encrypts, tables of the
    /// schemas the platform owns (`auth`, `storage`, `vault`, `realtime`, …,
    /// as in a `supabase db dump` or Prisma `@@schema("auth")`), `drop
    /// column`, and anything in comments.
    ///
    /// ## Why is this bad?
    /// A credential in a text column is one backup, replica, log line or
    /// over-broad `select *` away from leaking, and every reader of the
    /// table holds live access to a third party. Secrets belong encrypted
    /// at rest (ciphertext in `bytea`, a KMS or vault reference) behind an
    /// API that never hands them out raw.
    ///
    /// ## Example
    /// ```sql
    /// create table public.integrations (
    ///   id uuid primary key,
    ///   refresh_token text not null
    /// );
    /// ```
    ///
    /// ```prisma
    /// model Integration {
    ///   id           String @id
    ///   refreshToken String @db.Text
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```sql
    /// create table public.integrations (
    ///   id uuid primary key,
    ///   refresh_token_ciphertext bytea not null,
    ///   kms_key_id text not null
    /// );
    /// ```
    ///
    /// ## Options
    /// - `columns`: column names (snake_case) that hold a credential.
    /// - `types`: text-like types (case-insensitive): SQL types such as
    ///   `text`, `varchar` (also written `character varying`), `char`,
    ///   `citext`, `json`, `jsonb`; Prisma scalar types `String` and `Json`
    ///   and native types (`@db.Text`, `@db.VarChar`). A Prisma field is
    ///   flagged when both its scalar type and its native type (if any) are
    ///   listed.
    /// - `exempt_qualifiers`: words that, before a listed name, make the
    ///   column something else (`csrf`, `session`, `reset`, `page`, …).
    /// - `exempt_tables`: globs over table or model names (snake_case, `*`
    ///   matches any run of characters) where a bare one-word listed name is
    ///   not flagged.
    /// - `issuer_tables`: globs over tables of what the app itself issues
    ///   (the OAuth clients and tokens of an app that is an authorization
    ///   server, one-time tokens, two-factor secrets, the signing secrets of
    ///   webhooks it sends): no column of them holds a provider's credential.
    ///
    /// A bare `password` is the row's own password (a user's, an account's,
    /// a shared link's), which apps hash; a provider's password comes
    /// qualified (`smtp_password`) and is flagged.
    pub struct PlaintextColumn;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "columns",
        description: "Column names (snake_case) that hold a credential.",
    },
    OptionDoc {
        name: "types",
        description: "Text-like SQL and Prisma types a credential must not be stored as.",
    },
    OptionDoc {
        name: "exempt_qualifiers",
        description:
            "Words that, before a listed name (`csrf_token`), make the column no credential.",
    },
    OptionDoc {
        name: "exempt_tables",
        description:
            "Globs over table/model names where a bare one-word name (`password`) is not flagged.",
    },
    OptionDoc {
        name: "issuer_tables",
        description: "Globs over tables of secrets the app issues itself (OAuth clients, one-time tokens); never flagged.",
    },
];

impl Kind for PlaintextColumn {
    fn id(&self) -> &'static str {
        "plaintext-column"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Sql, Family::Prisma]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        Ok(Box::new(PlaintextColumnCheck::new(parse_options(
            options,
        )?)?))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    columns: Vec<String>,
    types: Vec<String>,
    #[serde(default)]
    exempt_qualifiers: Vec<String>,
    #[serde(default)]
    exempt_tables: Vec<String>,
    #[serde(default)]
    issuer_tables: Vec<String>,
}

fn is_platform_schema(schema: Option<&str>) -> bool {
    schema.is_some_and(|s| PLATFORM_SCHEMAS.contains(&s.to_ascii_lowercase().as_str()))
}

struct PlaintextColumnCheck {
    /// snake_case.
    columns: Vec<String>,
    /// Normalized (see [`normalize_type`]).
    types: Vec<String>,
    exempt_qualifiers: Vec<String>,
    exempt_tables: Vec<NameGlob>,
    issuer_tables: Vec<NameGlob>,
}

/// Lower-cased, with SQL's spellings of one type reduced to one name.
fn normalize_type(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let collapsed: Vec<&str> = lower.split_whitespace().collect();
    match collapsed.join(" ").as_str() {
        "character varying" | "char varying" => "varchar".to_string(),
        "character" | "bpchar" => "char".to_string(),
        "national character varying" | "national char varying" => "nvarchar".to_string(),
        "national character" | "national char" => "nchar".to_string(),
        other => other.to_string(),
    }
}

/// How a column name matched a listed name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameMatch {
    /// The listed name itself (or its plural).
    Bare,
    /// Ends with `_` and the listed name.
    Qualified,
}

impl PlaintextColumnCheck {
    fn new(options: Options) -> Result<PlaintextColumnCheck, OptionError> {
        if options.columns.is_empty() {
            return Err(OptionError::new("columns", "list at least one column name"));
        }
        let mut columns = Vec::new();
        for column in &options.columns {
            let snake = snake_case(column);
            if snake.is_empty() || !column.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(OptionError::new(
                    "columns",
                    format!("`{column}` is not a column name (use letters, digits and `_`)"),
                ));
            }
            columns.push(snake);
        }
        if options.types.is_empty() {
            return Err(OptionError::new("types", "list at least one type"));
        }
        if let Some(bad) = options
            .types
            .iter()
            .find(|t| t.trim().is_empty() || t.contains(['(', '[', '@', '.']))
        {
            return Err(OptionError::new(
                "types",
                format!("`{bad}` is not a type name (give it without length, array or `@db.`)"),
            ));
        }
        let mut exempt_tables = Vec::new();
        for glob in &options.exempt_tables {
            if glob.trim().is_empty() || glob.chars().all(|c| c == '*') {
                return Err(OptionError::new(
                    "exempt_tables",
                    format!("`{glob}` would exempt every table; name the tables"),
                ));
            }
            exempt_tables.push(NameGlob::new(glob).case_insensitive());
        }
        let mut issuer_tables = Vec::new();
        for glob in &options.issuer_tables {
            if glob.trim().is_empty() || glob.chars().all(|c| c == '*') {
                return Err(OptionError::new(
                    "issuer_tables",
                    format!("`{glob}` would exempt every table; name the tables"),
                ));
            }
            issuer_tables.push(NameGlob::new(glob).case_insensitive());
        }
        Ok(PlaintextColumnCheck {
            columns,
            types: options.types.iter().map(|t| normalize_type(t)).collect(),
            exempt_qualifiers: options
                .exempt_qualifiers
                .iter()
                .map(|q| snake_case(q))
                .collect(),
            exempt_tables,
            issuer_tables,
        })
    }

    /// Whether a column name (any case) names a credential; `None` when not.
    fn name_match(&self, name: &str) -> Option<(NameMatch, &str)> {
        let snake = snake_case(name);
        let words: Vec<&str> = snake.split('_').collect();
        if words.iter().any(|w| PROTECTED_WORDS.contains(w)) {
            return None;
        }
        for listed in &self.columns {
            for form in [listed.clone(), format!("{listed}s")] {
                if snake == form {
                    return Some((NameMatch::Bare, listed));
                }
                let Some(qualifier) = snake
                    .strip_suffix(form.as_str())
                    .and_then(|q| q.strip_suffix('_'))
                else {
                    continue;
                };
                if qualifier.is_empty() {
                    continue;
                }
                if qualifier
                    .split('_')
                    .any(|w| self.exempt_qualifiers.iter().any(|q| q == w))
                {
                    return None;
                }
                return Some((NameMatch::Qualified, listed));
            }
        }
        None
    }

    /// Whether a column of `table` named `name` is flagged by its name.
    fn is_credential(&self, table: &[&str], name: &str) -> bool {
        let issued = table.iter().any(|t| {
            let snake = snake_case(t);
            self.issuer_tables.iter().any(|g| g.is_match(&snake))
        });
        if issued {
            return false;
        }
        match self.name_match(name) {
            None => false,
            Some((NameMatch::Qualified, _)) => true,
            Some((NameMatch::Bare, "password")) => false,
            Some((NameMatch::Bare, listed)) => {
                listed.contains('_')
                    || !table.iter().any(|t| {
                        let snake = snake_case(t);
                        self.exempt_tables.iter().any(|g| g.is_match(&snake))
                    })
            }
        }
    }

    fn is_text(&self, type_name: &str) -> bool {
        let normalized = normalize_type(type_name);
        self.types.contains(&normalized)
    }

    /// Whether a declared column is a credential kept in clear.
    fn is_plaintext_credential(&self, column: &DeclaredColumn) -> bool {
        let tables: Vec<&str> = column.tables.iter().map(String::as_str).collect();
        !is_platform_schema(column.schema.as_deref())
            && column.types.iter().all(|t| self.is_text(t))
            && !column.names.iter().any(|n| is_protected(n))
            && column.names.iter().any(|n| self.is_credential(&tables, n))
            && !column.encrypted
    }
}

fn is_protected(name: &str) -> bool {
    snake_case(name)
        .split('_')
        .any(|w| PROTECTED_WORDS.contains(&w))
}

impl Check for PlaintextColumnCheck {
    /// A matching name spells a listed name, in snake_case or (Prisma,
    /// quoted SQL) camelCase, which ASCII case-insensitive matching sees as
    /// the words run together.
    fn literals(&self) -> Vec<String> {
        let mut literals = Vec::new();
        for column in &self.columns {
            literals.push(column.clone());
            let joined = column.replace('_', "");
            if joined != *column {
                literals.push(joined);
            }
        }
        literals
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let mut seen = HashSet::new();
        for column in schema_columns::read(file) {
            if !self.is_plaintext_credential(&column) || !seen.insert(column.name_span.clone()) {
                continue;
            }
            let ty = &column.type_display;
            out.report(
                Report::at(column.name_span.clone())
                    .var("column", &column.names[0])
                    .var("table", &column.table_display)
                    .var("type", ty)
                    .label(format!("credential stored as `{ty}`")),
            );
        }
    }
}

mod data;

#[cfg(test)]
mod tests;
