//! The `plaintext-column` rule kind: database columns that hold a secret
//! in clear, found where the schema declares them (SQL migrations, Prisma
//! models) by their name and text-like type.

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;

use crate::lang::sql::{self, SqlStatement, SqlTokenKind};
use crate::lang::tree::{snake_case, NameGlob};
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

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

/// Schemas the database platform owns (Supabase's `auth`, `storage`,
/// `vault`, …): schema dumps and introspected Prisma models repeat their
/// tables, which the project neither defines nor can change.
const PLATFORM_SCHEMAS: &[&str] = &[
    "auth",
    "storage",
    "vault",
    "realtime",
    "_realtime",
    "supabase_functions",
    "supabase_migrations",
    "extensions",
    "graphql",
    "graphql_public",
    "pgsodium",
    "pgsodium_masks",
    "net",
    "cron",
    "pg_catalog",
    "information_schema",
];

fn is_platform_schema(schema: Option<&str>) -> bool {
    schema.is_some_and(|s| PLATFORM_SCHEMAS.contains(&s.to_ascii_lowercase().as_str()))
}

/// Words in a column name that say its value is not stored in clear.
const PROTECTED_WORDS: &[&str] = &[
    "encrypted",
    "encrypt",
    "enc",
    "hashed",
    "hash",
    "digest",
    "ciphertext",
    "cipher",
    "sealed",
    "wrapped",
    "masked",
    "redacted",
    "obfuscated",
];

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

    fn check_sql(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let text = file.text();
        let statements = file.sql();
        let encrypted = pgsodium_labels(statements, text);
        let mut seen = HashSet::new();
        for statement in statements {
            for def in sql::column_definitions(statement, text) {
                let table = def.table.last().map_or("", String::as_str);
                let schema = def
                    .table
                    .len()
                    .checked_sub(2)
                    .map(|i| def.table[i].as_str());
                if is_platform_schema(schema)
                    || !self.is_text(&def.type_name)
                    || !self.is_credential(&[table], &def.name)
                    || encrypted
                        .iter()
                        .any(|(t, c)| *c == def.name && t.as_deref().is_none_or(|t| t == table))
                    || !seen.insert(def.name_span.clone())
                {
                    continue;
                }
                report(
                    out,
                    def.name_span.clone(),
                    &def.name,
                    &def.table.join("."),
                    &crate::source::slice(text, def.type_span.clone()).replace('"', ""),
                );
            }
        }
    }

    fn check_prisma(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let text = file.text();
        for block in file.prisma() {
            if is_platform_schema(block.schema.as_deref()) {
                continue;
            }
            let tables = [block.name.as_str(), block.table_name()];
            for field in &block.fields {
                let names = [field.name.as_str(), field.column_name()];
                let native = field.native_type();
                let native_name = native.map(|a| a.name.trim_start_matches("db."));
                if !self.is_text(&field.ty)
                    || native_name.is_some_and(|n| !self.is_text(n))
                    || names.iter().any(|n| is_protected(n))
                    || !names.iter().any(|n| self.is_credential(&tables, n))
                {
                    continue;
                }
                let ty = match native {
                    Some(native) => format!(
                        "{} {}",
                        field.ty,
                        crate::source::slice(text, native.span.clone())
                    ),
                    None => field.ty.clone(),
                };
                report(out, field.name_span.clone(), &field.name, &block.name, &ty);
            }
        }
    }
}

fn is_protected(name: &str) -> bool {
    snake_case(name)
        .split('_')
        .any(|w| PROTECTED_WORDS.contains(&w))
}

fn report(out: &mut Reporter<'_>, span: Range<usize>, column: &str, table: &str, ty: &str) {
    out.report(
        Report::at(span)
            .var("column", column)
            .var("table", table)
            .var("type", ty)
            .label(format!("credential stored as `{ty}`")),
    );
}

/// Columns that `security label for pgsodium on column [t.]c is 'ENCRYPT …'`
/// puts under transparent column encryption: (table, column).
fn pgsodium_labels(statements: &[SqlStatement], text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for statement in statements {
        let tokens = &statement.tokens;
        let kw = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(text, k));
        if !(kw(0, "security") && kw(1, "label")) {
            continue;
        }
        let Some(on) = statement.find_keyword(text, "on", 2) else {
            continue;
        };
        if !kw(on + 1, "column") {
            continue;
        }
        let Some((parts, _, next)) = sql::qualified_name_at(statement, on + 2, text) else {
            continue;
        };
        let says_encrypt = tokens[next..].iter().any(|t| {
            t.kind == SqlTokenKind::String
                && t.string_value(text)
                    .is_some_and(|v| v.to_ascii_uppercase().contains("ENCRYPT"))
        });
        if !says_encrypt || parts.len() < 2 {
            continue;
        }
        let column = parts[parts.len() - 1].to_string();
        let table = parts[parts.len() - 2].to_string();
        out.push((Some(table), column));
    }
    out
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
        match file.language.family() {
            Family::Sql => self.check_sql(file, out),
            Family::Prisma => self.check_prisma(file, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Kind;

    fn flagged(path: &str, text: &str) -> Vec<String> {
        crate::rules::lint_with_only("plaintext-credential-column", &[(path, text)])
            .iter()
            .map(|f| text[f.span.clone()].to_string())
            .collect()
    }

    #[test]
    fn column_names() {
        let meta = crate::rules::builtin_rules()
            .iter()
            .find(|m| m.id == "plaintext-credential-column")
            .unwrap();
        let check =
            super::PlaintextColumnCheck::new(crate::rules::parse_options(&meta.options).unwrap())
                .ok()
                .unwrap();
        for name in [
            "access_token",
            "refresh_token",
            "accessToken",
            "google_refresh_token",
            "openai_api_key",
            "openAIApiKey",
            "client_secret",
            "webhook_secret",
            "oauth_token_secret",
            "credentials",
            "service_account_credentials",
            "secret",
            "api_keys",
            "smtp_password",
            "bot_token",
        ] {
            assert!(check.is_credential(&["integrations"], name), "{name}");
        }
        for name in [
            "id_token",
            "token_type",
            "token_expires_at",
            "password_hash",
            "secret_ref",
            "credential_id",
            "encrypted_access_token",
            "access_token_encrypted",
            "hashed_password",
            "api_key_last4",
            "masked_api_key",
            "csrf_token",
            "session_token",
            "sessionToken",
            "next_page_token",
            "sync_token",
            "email_verification_token",
            "reset_password_token",
            "device_token",
            "tokens_used",
        ] {
            assert!(!check.is_credential(&["integrations"], name), "{name}");
        }
        assert!(!check.is_credential(&["users"], "password"));
        assert!(!check.is_credential(&["VerificationToken"], "token"));
        assert!(check.is_credential(&["users"], "openai_api_key"));
        assert!(check.is_credential(&["users"], "access_token"));
        assert!(check.is_credential(&["connections"], "token"));
    }

    #[test]
    fn sql_declarations() {
        let src = "-- create table x (access_token text);\n\
                   create table if not exists public.\"oauth_tokens\" (\n  id uuid primary key,\n  \"accessToken\" text not null,\n  refresh_token varchar(2048),\n  token_type text,\n  client_secret bytea,\n  api_key character varying(255),\n  scopes text[]\n);\n\
                   alter table public.connections add column if not exists webhook_secret text, add column credentials jsonb, drop column secret;\n\
                   alter table connections alter column api_key type text using api_key::text;\n\
                   alter table connections alter column secret type bytea using null;\n\
                   create table users (id uuid, password text, openai_api_key citext);\n\
                   create table vault_like (secret text);\n\
                   security label for pgsodium on column vault_like.secret is 'ENCRYPT WITH KEY ID 1';\n";
        assert_eq!(
            flagged("supabase/migrations/1_init.sql", src),
            vec![
                "\"accessToken\"",
                "refresh_token",
                "api_key",
                "webhook_secret",
                "credentials",
                "api_key",
                "openai_api_key",
            ]
        );
        let findings =
            crate::rules::lint_with_only("plaintext-credential-column", &[("m.sql", src)]);
        assert_eq!(
            findings[2].message,
            "`api_key` in `public.oauth_tokens` stores a credential as `character varying(255)`"
        );
    }

    #[test]
    fn prisma_fields() {
        let src = "model Account {\n  id String @id\n  refresh_token String? @db.Text\n  accessToken String? @map(\"access_token\")\n  token_type String?\n  secret Bytes\n  apiKey String @db.Uuid\n  clientSecret Json\n  encryptedRefreshToken String\n  kms String @map(\"encrypted_api_key\")\n  legacy String @map(\"api_key\")\n  // password String\n  user User @relation(fields: [userId], references: [id])\n}\n\
                   model User {\n  id String @id\n  password String\n}\n\
                   model VerificationToken {\n  token String @unique\n}\n";
        assert_eq!(
            flagged("prisma/schema.prisma", src),
            vec!["refresh_token", "accessToken", "clientSecret", "legacy"]
        );
        let findings = crate::rules::lint_with_only(
            "plaintext-credential-column",
            &[("prisma/schema.prisma", src)],
        );
        assert_eq!(
            findings[0].message,
            "`refresh_token` in `Account` stores a credential as `String @db.Text`"
        );
    }

    #[test]
    fn prisma_suppressions() {
        let src = "model Account {\n  // plumbline-ignore: plaintext-credential-column -- encrypted by the Prisma extension\n  refresh_token String?\n  access_token String? // plumbline-ignore: plaintext-credential-column -- same\n  client_secret String?\n}\n";
        assert_eq!(flagged("schema.prisma", src), vec!["client_secret"]);
    }

    #[test]
    fn options_are_validated() {
        let compile = |text: &str| super::PlaintextColumn.compile(&toml::from_str(text).unwrap());
        assert_eq!(
            compile("columns = []\ntypes = ['text']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("columns")
        );
        assert_eq!(
            compile("columns = ['a b']\ntypes = ['text']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("columns")
        );
        assert_eq!(
            compile("columns = ['token']\ntypes = ['varchar(2)']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("types")
        );
        assert_eq!(
            compile("columns = ['token']\ntypes = ['text']\nexempt_tables = ['*']")
                .err()
                .unwrap()
                .option
                .as_deref(),
            Some("exempt_tables")
        );
        let check = compile("columns = ['api_key', 'token']\ntypes = ['text']")
            .ok()
            .unwrap();
        assert_eq!(check.literals(), vec!["api_key", "apikey", "token"]);
    }
}
