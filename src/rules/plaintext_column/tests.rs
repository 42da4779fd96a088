use crate::rules::Kind;

fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("plaintext-credential-column", &[(path, text)])
        .iter()
        .map(|f| text[f.span.clone()].to_string())
        .collect()
}

/// Whether the rule's built-in options flag `name` in `table`, with no
/// other column of the table known.
fn is_credential(check: &super::PlaintextColumnCheck, table: &str, name: &str) -> bool {
    let names = [table];
    check.is_credential(
        &super::TableContext {
            names: &names,
            siblings: &[],
        },
        name,
    )
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
        assert!(is_credential(&check, "integrations", name), "{name}");
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
        assert!(!is_credential(&check, "integrations", name), "{name}");
    }
    assert!(!is_credential(&check, "users", "password"));
    assert!(!is_credential(&check, "VerificationToken", "token"));
    assert!(is_credential(&check, "users", "openai_api_key"));
    assert!(is_credential(&check, "User", "openAIApiKey"));
    assert!(is_credential(&check, "EmailAccount", "aiApiKey"));
    assert!(!is_credential(&check, "User", "webhookSecret"));
    assert!(!is_credential(&check, "EmailToken", "token"));
    assert!(!is_credential(&check, "Premium", "appleAppAccountToken"));
    assert!(is_credential(&check, "users", "access_token"));
    assert!(is_credential(&check, "connections", "token"));
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
    let findings = crate::rules::lint_with_only("plaintext-credential-column", &[("m.sql", src)]);
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
