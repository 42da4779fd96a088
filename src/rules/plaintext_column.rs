//! The `plaintext-column` rule kind: database columns that hold a secret
//! in clear, found where the schema declares them (SQL migrations, Prisma
//! models) by their name and text-like type.

use std::collections::HashSet;

use serde::Deserialize;

use crate::facts::names::{snake_case, NameGlob};
use crate::facts::schema_changes::normalize_type;
use crate::facts::schema_columns::{self, DeclaredColumn};
use crate::lang::{Family, ParsedFile};
use crate::project::Query;
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
    /// or that are no credential).
    ///
    /// The column must hold a third party's credential, not a secret the app
    /// issues itself. A grant (`grant_columns`: `access_token`,
    /// `refresh_token`, `client_secret`, also qualified) always is one. The
    /// other names (`token`, `secret`, `api_key`, `password`, `credentials`)
    /// name the app's own secrets just as often (its users' API keys, a
    /// signing link's token, a QR or one-time token, a share link's
    /// password), so they are flagged only in a table of connections to
    /// third parties or when a provider's name qualifies them
    /// (`openai_api_key`, `smtp_password`). A table holds connections when
    /// its name matches `connection_tables` (`integrations`,
    /// `provider_tokens`) or contains a provider's name
    /// (`github_app_authorizations`), or when a column the file declares
    /// beside it ties the row to a provider (`connection_columns`: NextAuth's
    /// `Account.provider`) or is a grant. A bare one-word name (`token`, `password`) is
    /// never flagged in a table matching `exempt_tables` (`users.password`,
    /// `verification_tokens.token`), where it normally holds a hash.
    ///
    /// Never flagged: names with a word that says the value is protected
    /// (`encrypted_access_token`, `hashed_password`, `masked_api_key`; and
    /// `access_token_encrypted`, `password_hash`, `api_key_digest`,
    /// `token_ciphertext` do not end with a listed name anyway), names that
    /// merely start with one (`token_type`, `token_expires_at`, `secret_ref`,
    /// `credential_id`), binary or other non-text types (`bytea`, Prisma
    /// `Bytes`, `String @db.Uuid`), columns that a `security label for
    /// pgsodium on column …` of the same file encrypts, columns the
    /// project's TS/JS or Python code writes, in a call on their table,
    /// with what an encryption or one-way hash call returns
    /// (`prisma.slackIntegration.create({ data: { botToken: encrypt(t) } })`,
    /// `HubspotConnection(access_token=fernet.encrypt(raw).decode())`,
    /// `data: { refreshToken: await argon2.hash(token) }`: the text holds
    /// ciphertext or a hash) or list in a map of encrypted fields, table by
    /// table, as a Prisma client extension or an ORM hook encrypts them on
    /// every write (`const ENCRYPTED_FIELDS = { account: ["access_token"] }`),
    /// Prisma fields marked `/// @encrypted` (prisma-field-encryption), tables of the
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
    /// - `grant_columns`: listed names that are a provider's grant wherever
    ///   they are declared.
    /// - `connection_tables`: globs over tables of connections to third
    ///   parties, where every listed name counts.
    /// - `connection_columns`: columns that tie a row to a provider
    ///   (`provider`, `provider_account_id`, `integration_id`).
    /// - `providers`: third parties (`openai`, `github`, `smtp`) whose name
    ///   before a listed name, or in a table's name, makes it theirs.
    ///
    /// A rule that sets none of `connection_tables`, `connection_columns`
    /// and `providers` flags every listed name (a bare one but in
    /// `exempt_tables`), as a project's own rule usually wants.
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
    OptionDoc {
        name: "grant_columns",
        description: "Listed names that are a provider's grant wherever they are (`access_token`, `refresh_token`, `client_secret`).",
    },
    OptionDoc {
        name: "connection_tables",
        description: "Globs over tables of connections to third parties, where every listed name counts.",
    },
    OptionDoc {
        name: "connection_columns",
        description: "Columns that tie a row to a provider (`provider`, `integration_id`): their table holds connections.",
    },
    OptionDoc {
        name: "providers",
        description: "Third parties whose name before a listed name (`openai_api_key`) or in a table name makes it theirs.",
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
    #[serde(default)]
    grant_columns: Vec<String>,
    #[serde(default)]
    connection_tables: Vec<String>,
    #[serde(default)]
    connection_columns: Vec<String>,
    #[serde(default)]
    providers: Vec<String>,
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
    /// snake_case.
    grant_columns: Vec<String>,
    connection_tables: Vec<NameGlob>,
    /// snake_case.
    connection_columns: Vec<String>,
    /// snake_case words.
    providers: Vec<String>,
}

/// What the file shows of a column's table besides the column itself.
pub(crate) struct TableContext<'a> {
    /// The table's names (SQL name, Prisma model and mapped name).
    pub names: &'a [&'a str],
    /// The other columns the file declares for the table, snake_case.
    pub siblings: &'a [String],
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
        let issuer_tables = table_globs("issuer_tables", &options.issuer_tables)?;
        let connection_tables = table_globs("connection_tables", &options.connection_tables)?;
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
            grant_columns: options
                .grant_columns
                .iter()
                .map(|c| snake_case(c))
                .collect(),
            connection_tables,
            connection_columns: options
                .connection_columns
                .iter()
                .map(|c| snake_case(c))
                .collect(),
            providers: options.providers.iter().map(|p| snake_case(p)).collect(),
        })
    }

    /// Whether the table holds the app's connections to third parties: its
    /// name says so (`integrations`, `provider_tokens`,
    /// `github_app_authorizations`), or a column beside names the provider
    /// or connection a row belongs to (NextAuth's `Account.provider`), or
    /// is a provider's grant (`refresh_token`).
    fn is_connection_table(&self, table: &TableContext<'_>) -> bool {
        table.names.iter().any(|t| {
            let snake = snake_case(t);
            self.connection_tables.iter().any(|g| g.is_match(&snake))
                || snake.split('_').any(|w| self.is_provider(w))
        }) || table.siblings.iter().any(|c| {
            self.connection_columns.contains(c)
                || self
                    .name_match(c)
                    .is_some_and(|(_, listed)| self.grant_columns.iter().any(|g| g == listed))
        })
    }

    /// Whether the options say how to tell a third party's credential
    /// from the app's own secret.
    fn tells_third_parties_apart(&self) -> bool {
        !(self.connection_tables.is_empty()
            && self.connection_columns.is_empty()
            && self.providers.is_empty())
    }

    fn is_provider(&self, word: &str) -> bool {
        self.providers.iter().any(|p| p == word)
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

    /// Whether a column named `name` of `table` holds a third party's
    /// credential. A grant (`access_token`, `refresh_token`,
    /// `client_secret`) always does, but in a table of what the app issues
    /// itself. The other names (`token`, `secret`, `api_key`, `password`,
    /// `credentials`) are just as often secrets the app issues (its users'
    /// API keys, signing links, one-time and QR tokens, a share link's
    /// password): they count in a table of connections to third parties,
    /// or when qualified by a provider's name (`openai_api_key`,
    /// `smtp_password`).
    fn is_credential(&self, table: &TableContext<'_>, name: &str) -> bool {
        let issued = table.names.iter().any(|t| {
            let snake = snake_case(t);
            self.issuer_tables.iter().any(|g| g.is_match(&snake))
        });
        if issued {
            return false;
        }
        let Some((how, listed)) = self.name_match(name) else {
            return false;
        };
        if self.grant_columns.iter().any(|g| g == listed) {
            return true;
        }
        let exempt_table = table.names.iter().any(|t| {
            let snake = snake_case(t);
            self.exempt_tables.iter().any(|g| g.is_match(&snake))
        });
        if !self.tells_third_parties_apart() {
            // A rule that names no connection tables, columns or providers
            // flags every listed name, but a bare one in an exempt table.
            return how == NameMatch::Qualified
                || (listed != "password" && (listed.contains('_') || !exempt_table));
        }
        // A bare `password` is the row's own (a user's, an auth account's,
        // a share link's), which apps hash.
        if how == NameMatch::Bare && (exempt_table || listed == "password") {
            return false;
        }
        // `openAIApiKey` reads as `open_ai_api_key`: the qualifier's words
        // run together name the provider too.
        let provider_named = how == NameMatch::Qualified
            && snake_case(name).strip_suffix(listed).is_some_and(|q| {
                q.split('_').any(|w| self.is_provider(w)) || self.is_provider(&q.replace('_', ""))
            });
        provider_named || self.is_connection_table(table)
    }

    fn is_text(&self, type_name: &str) -> bool {
        let normalized = normalize_type(type_name);
        self.types.contains(&normalized)
    }

    /// Whether a declared column is a credential kept in clear, among the
    /// `columns` the file declares.
    fn is_plaintext_credential(&self, column: &DeclaredColumn, columns: &[DeclaredColumn]) -> bool {
        if is_platform_schema(column.schema.as_deref())
            || !column.types.iter().all(|t| self.is_text(t))
            || column.names.iter().any(|n| is_protected(n))
            || column.encrypted
        {
            return false;
        }
        let names: Vec<&str> = column.tables.iter().map(String::as_str).collect();
        let siblings: Vec<String> = columns
            .iter()
            .filter(|other| other.tables == column.tables && other.name_span != column.name_span)
            .flat_map(|other| other.names.iter().map(|n| snake_case(n)))
            .collect();
        let table = TableContext {
            names: &names,
            siblings: &siblings,
        };
        column.names.iter().any(|n| self.is_credential(&table, n))
    }
}

/// Compiles a list of table globs, refusing one that would match every
/// table.
fn table_globs(option: &str, globs: &[String]) -> Result<Vec<NameGlob>, OptionError> {
    globs
        .iter()
        .map(|glob| {
            if glob.trim().is_empty() || glob.chars().all(|c| c == '*') {
                return Err(OptionError::new(
                    option,
                    format!("`{glob}` would match every table; name the tables"),
                ));
            }
            Ok(NameGlob::new(glob).case_insensitive())
        })
        .collect()
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
        let columns = schema_columns::read(file);
        for column in &columns {
            if !self.is_plaintext_credential(column, &columns)
                || !seen.insert(column.name_span.clone())
            {
                continue;
            }
            let ty = &column.type_display;
            let mut report = Report::at(column.name_span.clone())
                .var("column", &column.names[0])
                .var("table", &column.table_display)
                .var("type", ty)
                .label(format!("credential stored as `{ty}`"))
                // Code that seals what it writes there stores ciphertext.
                .requires_project(Query::StoredInClear {
                    names: column.names.clone(),
                    tables: column.tables.clone(),
                });
            if file.language.family() == Family::Sql {
                // A later migration may drop, rename or retype the column.
                report = report.requires_project(Query::ColumnLives {
                    table: column.tables[0].clone(),
                    column: column.names[0].clone(),
                    text_types: self.types.clone(),
                });
            }
            out.report(report);
        }
    }
}

mod data;

#[cfg(test)]
mod tests;
