//! Values a file seals before it stores them: the row values a TS/JS or
//! Python file sets, in a call that writes a row, to what an encryption
//! or one-way hash call returns (`prisma.slackIntegration.create({ data: { botToken:
//! encrypt(token) } })`, `HubspotConnection(access_token=
//! fernet.encrypt(raw).decode())`). That column of that table holds
//! ciphertext, whatever its declared type.

use tree_sitter::Node;

use crate::lang::tree::{text, walk, NodeExt};
use crate::lang::Family;

/// The literals a file that seals a value holds (ASCII case-insensitive).
pub const LITERALS: &[&str] = &["encrypt", "seal", "cipher", "hash", "digest", "hmac"];

/// A key or keyword a file sets to a sealed value, in a call that writes
/// a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedWrite {
    /// The key as written.
    pub key: String,
    /// The names along the writing call's callee and the first argument of
    /// each call in it (`prisma`, `slackIntegration`, `create`; `supabase`,
    /// `from`, `integrations`, `insert`): one of them names the table.
    pub into: Vec<String>,
}

/// Keys an ORM call nests a row's values under: a key below one of these
/// is still a column. A key below any other key is a field of a JSON
/// value (`{ credentials: { access_token: encrypt(t) } }`), not a column.
const ROW_WRAPPERS: &[&str] = &[
    "data", "create", "update", "values", "set", "insert", "defaults", "$set", "record", "row",
];

/// The sealed writes of a TS/JS or Python file, in source order.
pub fn read(family: Family, root: Node<'_>, src: &str) -> Vec<SealedWrite> {
    let mut found: Vec<SealedWrite> = Vec::new();
    walk(root, |node| {
        let set = match (family, node.kind_str()) {
            (Family::Js, "pair") => node.field("key").zip(node.field("value")),
            (Family::Python, "pair") => node
                .field("key")
                .filter(|k| k.kind_str() == "string")
                .zip(node.field("value")),
            (Family::Python, "keyword_argument") => node.field("name").zip(node.field("value")),
            _ => None,
        };
        let Some((key, value)) = set else {
            return true;
        };
        if let Some(columns) = field_map_entry(family, node, value, src) {
            let table = unquote(&string_content(family, key, src)).to_string();
            found.extend(columns.into_iter().map(|column| SealedWrite {
                key: column,
                into: vec![table.clone()],
            }));
            return true;
        }
        if let Some(writes) = sealing_option(family, key, value, src) {
            found.extend(writes);
            return true;
        }
        if !is_sealed(family, value, src) {
            return true;
        }
        let Some(call) = writing_call(node, src) else {
            return true;
        };
        let mut into = Vec::new();
        if let Some(callee) = call.field("function") {
            chain_names(callee, src, &mut into);
        }
        found.push(SealedWrite {
            key: unquote(&string_content(family, key, src)).to_string(),
            into,
        });
        true
    });
    found
}

/// The columns an entry of an encrypted-fields map lists: a map bound to
/// a name that says it seals (`ENCRYPTED_FIELDS`, `fields_to_encrypt`,
/// `sealedColumns`), each key a table and each value a list of its column
/// names (`{ account: ["access_token", "refresh_token"] }`), as a Prisma
/// client extension or an ORM hook encrypts them on every write.
fn field_map_entry(
    family: Family,
    entry: Node<'_>,
    value: Node<'_>,
    src: &str,
) -> Option<Vec<String>> {
    if !matches!(value.kind_str(), "array" | "list" | "tuple") {
        return None;
    }
    let mut columns = Vec::new();
    let mut cursor = value.walk();
    for item in value.named_children(&mut cursor) {
        if item.kind_str() == "comment" {
            continue;
        }
        if item.kind_str() != "string" {
            return None;
        }
        columns.push(unquote(&string_content(family, item, src)).to_string());
    }
    if columns.is_empty() {
        return None;
    }
    let map = entry
        .parent()
        .filter(|p| matches!(p.kind_str(), "object" | "dictionary"))?;
    let name = binding_name(map, src)?.to_ascii_lowercase();
    ["encrypt", "seal", "cipher"]
        .iter()
        .any(|word| name.contains(word))
        .then_some(columns)
}

/// What an auth library's option seals: Better Auth's `account: {
/// encryptOAuthTokens: true }` encrypts the `account` table's access and
/// refresh tokens, and a `store<Column>: "hashed"` or `"encrypted"` option
/// (`storeSCIMToken: "hashed"`) seals that column in whichever table the
/// library keeps it (`*`).
fn sealing_option(
    family: Family,
    key: Node<'_>,
    value: Node<'_>,
    src: &str,
) -> Option<Vec<SealedWrite>> {
    let key = string_content(family, key, src);
    let key = unquote(&key);
    let value = unquote(text(value, src));
    if key == "encryptOAuthTokens" && value == "true" {
        let write = |column: &str| SealedWrite {
            key: column.to_string(),
            into: vec!["account".to_string()],
        };
        return Some(vec![write("access_token"), write("refresh_token")]);
    }
    let column = key.strip_prefix("store")?;
    if !column.starts_with(|c: char| c.is_ascii_uppercase())
        || !matches!(value, "hashed" | "encrypted")
    {
        return None;
    }
    Some(vec![SealedWrite {
        key: column.to_string(),
        into: vec![ANY_TABLE.to_string()],
    }])
}

/// The table of a sealed write whose table the code does not name.
pub const ANY_TABLE: &str = "*";

/// The name a value is bound to, through `as`, `satisfies` and brackets:
/// a variable, an assignment's target or an object's key.
fn binding_name<'s>(value: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut current = value;
    loop {
        let parent = current.parent()?;
        match parent.kind_str() {
            "as_expression" | "satisfies_expression" | "parenthesized_expression" => {
                current = parent;
            }
            "variable_declarator" => return parent.field("name").map(|n| text(n, src)),
            "assignment" | "assignment_expression" => {
                return parent.field("left").map(|n| text(n, src))
            }
            "pair" => return parent.field("key").map(|n| text(n, src)),
            _ => return None,
        }
    }
}

fn unquote(text: &str) -> &str {
    text.trim_matches(|c| c == '"' || c == '\'' || c == '`')
}

/// The call an entry or keyword argument gives its value to, through
/// objects under [`ROW_WRAPPERS`] keys, spreads and lists; `None` when
/// the entry is a field of another key's value or is not in a call.
fn writing_call<'t>(entry: Node<'t>, src: &str) -> Option<Node<'t>> {
    let mut current = entry;
    loop {
        let parent = current.parent()?;
        match parent.kind_str() {
            "arguments" | "argument_list" => {
                return parent
                    .parent()
                    .filter(|c| matches!(c.kind_str(), "call_expression" | "call"));
            }
            "object"
            | "dictionary"
            | "array"
            | "list"
            | "spread_element"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression" => {}
            "pair" | "keyword_argument" => {
                let key = parent.field("key").or_else(|| parent.field("name"))?;
                if !ROW_WRAPPERS.contains(&unquote(text(key, src))) {
                    return None;
                }
            }
            _ => return None,
        }
        current = parent;
    }
}

/// The names along a callee: properties, names, and the fixed string or
/// name each call in it is given first (`supabase.from('integrations')
/// .insert` → `supabase`, `from`, `integrations`, `insert`).
fn chain_names(node: Node<'_>, src: &str, out: &mut Vec<String>) {
    match node.kind_str() {
        "identifier" | "property_identifier" => out.push(text(node, src).to_string()),
        "member_expression" | "attribute" => {
            if let Some(object) = node.field("object") {
                chain_names(object, src, out);
            }
            if let Some(name) = node.field("property").or_else(|| node.field("attribute")) {
                out.push(text(name, src).to_string());
            }
        }
        "call_expression" | "call" => {
            if let Some(function) = node.field("function") {
                chain_names(function, src, out);
            }
            let first = node.field("arguments").and_then(|a| a.named_child(0));
            if let Some(argument) = first {
                if matches!(argument.kind_str(), "identifier" | "string") {
                    out.push(unquote(text(argument, src)).to_string());
                }
            }
        }
        _ => {}
    }
}

/// A key's text without quotes (a string key's content).
fn string_content(family: Family, key: Node<'_>, src: &str) -> String {
    let written = text(key, src);
    if family == Family::Python {
        // String prefixes (`b"…"`, `r"…"`) come before the quotes.
        let start = written.find(['"', '\'']).unwrap_or(0);
        return written[start..].to_string();
    }
    written.to_string()
}

/// Whether `value` is what an encryption call returns: the call itself,
/// awaited or not (`encrypt(x)`, `await kms.encrypt(x)`,
/// `symmetricEncrypt(x, key)`, `seal(x)`), or a name that says it holds one
/// (`encryptedToken`, `token_ciphertext`).
fn is_sealed(family: Family, value: Node<'_>, src: &str) -> bool {
    let value = unwrap_await(family, value);
    match value.kind_str() {
        "call_expression" | "call" => {
            let Some(callee) = value.field("function") else {
                return false;
            };
            let name = callee_name(callee, src).unwrap_or_default();
            if names_sealing(name) {
                return true;
            }
            // The ciphertext, encoded: `encrypt(x).decode()`,
            // `seal(x).toString('base64')`, `b64encode(encrypt(x))`.
            if ENCODINGS.contains(&name) {
                let receiver = callee
                    .field("object")
                    .filter(|_| matches!(callee.kind_str(), "member_expression" | "attribute"));
                let argument = value
                    .field("arguments")
                    .and_then(|arguments| arguments.named_child(0));
                return receiver
                    .into_iter()
                    .chain(argument)
                    .any(|inner| is_sealed(family, inner, src));
            }
            false
        }
        "identifier" | "member_expression" | "attribute" => {
            let name = text(value, src);
            let last = name.rsplit('.').next().unwrap_or(name);
            names_sealed_value(last)
        }
        _ => false,
    }
}

/// Calls that encode a value without opening it.
const ENCODINGS: &[&str] = &[
    "decode",
    "encode",
    "toString",
    "hex",
    "str",
    "String",
    "b64encode",
    "urlsafe_b64encode",
    "hexlify",
    "from",
];

fn unwrap_await(family: Family, mut value: Node<'_>) -> Node<'_> {
    loop {
        let inner = match (family, value.kind_str()) {
            (Family::Js, "await_expression") | (Family::Python, "await") => value.named_child(0),
            (_, "parenthesized_expression") => value.named_child(0),
            _ => None,
        };
        match inner {
            Some(inner) => value = inner,
            None => return value,
        }
    }
}

/// The last name of a callee: `encrypt`, `kms.encrypt` → `encrypt`.
fn callee_name<'s>(callee: Node<'_>, src: &'s str) -> Option<&'s str> {
    let node = match callee.kind_str() {
        "identifier" => callee,
        "member_expression" => callee.field("property")?,
        "attribute" => callee.field("attribute")?,
        _ => return None,
    };
    Some(text(node, src))
}

/// `encrypt`, `symmetricEncrypt`, `encrypt_token`, `seal`, `sealBox`, and
/// one-way hashes (`argon2.hash`, `bcrypt.hashSync`, `hashToken`,
/// `createHash(…).digest`, `hmac`); not `decrypt` or `unseal`.
fn names_sealing(name: &str) -> bool {
    let lower = name.trim_start_matches('_').to_ascii_lowercase();
    lower.contains("encrypt")
        || lower.starts_with("seal")
        || lower.starts_with("hash")
        || lower.ends_with("hash")
        || lower == "digest"
        || lower.contains("hmac")
}

/// `encryptedToken`, `encrypted_secret`, `sealed`, `ciphertext`,
/// `refreshTokenHash`, `hashed_key`, `token_digest`.
fn names_sealed_value(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("encrypted")
        || lower.starts_with("sealed")
        || lower.contains("ciphertext")
        || lower.starts_with("hashed")
        || lower.ends_with("hash")
        || lower.ends_with("digest")
}

/// A column, key or table name as the project compares them: `botToken`,
/// `bot_token` and `BOT_TOKEN` are one name, and so are
/// `slack_integrations` and `SlackIntegration`.
pub fn normalize(name: &str) -> String {
    let mut joined: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if joined.len() > 1 && joined.ends_with('s') {
        joined.pop();
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    fn writes(language: Language, src: &str) -> Vec<(String, Vec<String>)> {
        let tree = crate::lang::tree::parse(language, src).unwrap();
        read(language.family(), tree.root_node(), src)
            .into_iter()
            .map(|w| (w.key, w.into))
            .collect()
    }

    fn write(key: &str, into: &[&str]) -> (String, Vec<String>) {
        (key.into(), into.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn row_values_set_to_a_sealed_value_in_a_writing_call() {
        let ts = "await prisma.slackIntegration.upsert({ where: { projectId }, create: { botToken: encrypt(t) }, update: { botToken: (await kms.encrypt(t)) } });\n\
                  await supabase.from('connections').insert([{ refresh_token: Buffer.from(encrypt(r)).toString('base64') }]);\n\
                  await db.insert(integrations).values({ apiKey: encryptedKey });\n\
                  await prisma.installedIntegration.update({ data: { credentials: { access_token: encrypt(a) } } });\n\
                  await prisma.account.create({ data: { token: decrypt(x).toString(), secret: unseal(y), apiKey: key } });\n\
                  await prisma.user.update({ where: { uid }, data: { refreshToken: refreshTokenHash, password: await argon2.hash(p) } });\n\
                  const held = { access_token: encrypt(a) };\n";
        assert_eq!(
            writes(Language::TypeScript, ts),
            [
                write("botToken", &["prisma", "slackIntegration", "upsert"]),
                write("botToken", &["prisma", "slackIntegration", "upsert"]),
                write(
                    "refresh_token",
                    &["supabase", "from", "connections", "insert"]
                ),
                write("apiKey", &["db", "insert", "integrations", "values"]),
                write("refreshToken", &["prisma", "user", "update"]),
                write("password", &["prisma", "user", "update"]),
            ]
        );
        let py = "HubspotConnection(access_token=fernet.encrypt(raw).decode(), scope=str(decrypt(s)))\n\
                  supabase.table(\"connections\").insert({\"api_key\": self.cipher.encrypt(key), \"name\": name}).execute()\n\
                  Conn.objects.update_or_create(id=i, defaults={\"password\": token_ciphertext})\n\
                  settings = {\"secret\": encrypt(v)}\n\
                  Integration(config={\"token\": encrypt(v)})\n";
        assert_eq!(
            writes(Language::Python, py),
            [
                write("access_token", &["HubspotConnection"]),
                write("api_key", &["supabase", "table", "connections", "insert"]),
                write("password", &["Conn", "objects", "update_or_create"]),
            ]
        );
    }

    #[test]
    fn a_map_of_encrypted_fields_lists_each_table_s_sealed_columns() {
        let ts = "const ENCRYPTED_FIELDS = { account: [\"access_token\", \"refresh_token\"], user: ['aiApiKey'] } as const satisfies Record<string, readonly string[]>;\n\
                  export const config = { fieldsToEncrypt: { Connection: [`apiKey`] } };\n\
                  const VISIBLE_FIELDS = { account: [\"access_token\"] };\n\
                  const encryptedFields = { account: [1, 2], user: [] };\n\
                  betterAuth({ account: { encryptOAuthTokens: true }, plugins: [scim({ storeSCIMToken: \"hashed\", storeState: 'plain' })] });\n\
                  const flags = { encryptOAuthTokens: false, storeToken: \"hashed-later\" };\n";
        assert_eq!(
            writes(Language::TypeScript, ts),
            [
                write("access_token", &["account"]),
                write("refresh_token", &["account"]),
                write("aiApiKey", &["user"]),
                write("access_token", &["account"]),
                write("refresh_token", &["account"]),
                write("SCIMToken", &[ANY_TABLE]),
            ]
        );
        let py = "ENCRYPTED_FIELDS = {\"oauth_tokens\": (\"access_token\", \"refresh_token\")}\n\
                  SHOWN = {\"oauth_tokens\": [\"access_token\"]}\n";
        assert_eq!(
            writes(Language::Python, py),
            [
                write("access_token", &["oauth_tokens"]),
                write("refresh_token", &["oauth_tokens"]),
            ]
        );
    }

    #[test]
    fn names_compare_across_cases_and_plurals() {
        assert_eq!(normalize("botToken"), normalize("bot_token"));
        assert_eq!(normalize("BOT_TOKEN"), "bottoken");
        assert_eq!(
            normalize("slack_integrations"),
            normalize("SlackIntegration")
        );
    }
}
