//! Structure-aware generators: small programs and config files in each
//! language plumbline reads, built from the constructs its rules look at
//! (hosts, tables, credential names, connectors, routes, logging calls) and
//! from shapes that stress a parser (deep nesting, long chains, long lines,
//! non-ASCII text next to what a rule slices).

use fastrand::Rng;

/// A language front end, with the file names it is tried under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    TypeScript,
    JavaScript,
    Python,
    Rust,
    Sql,
    Prisma,
    Env,
    Json,
    Yaml,
    Toml,
}

impl Lang {
    pub const ALL: [Lang; 10] = [
        Lang::TypeScript,
        Lang::JavaScript,
        Lang::Python,
        Lang::Rust,
        Lang::Sql,
        Lang::Prisma,
        Lang::Env,
        Lang::Json,
        Lang::Yaml,
        Lang::Toml,
    ];

    /// The language a fixture's file name is read as, if any.
    pub fn of_path(path: &str) -> Option<Lang> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == ".env" || name.starts_with(".env.") {
            return Some(Lang::Env);
        }
        let extension = name.rsplit_once('.').map(|(_, ext)| ext)?;
        Some(match extension {
            "ts" | "tsx" | "mts" | "cts" => Lang::TypeScript,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "py" | "pyi" => Lang::Python,
            "rs" => Lang::Rust,
            "sql" => Lang::Sql,
            "prisma" => Lang::Prisma,
            "json" | "jsonc" | "json5" => Lang::Json,
            "yaml" | "yml" => Lang::Yaml,
            "toml" => Lang::Toml,
            _ => return None,
        })
    }

    /// A file name for generated text, in a folder some rule cares about.
    pub fn file_name(self, rng: &mut Rng) -> String {
        let folder = pick(
            rng,
            &[
                "src/",
                "src/lib/",
                "src/integrations/",
                "app/api/oauth/google/callback/",
                "api/routes/",
                "connectors/",
                "supabase/migrations/",
                "web/",
                "",
            ],
        );
        let stem = pick(
            rng,
            &[
                "gateway",
                "route",
                "gmail.manifest",
                "connector",
                "index",
                "integration_status",
                "main",
                "lib",
                "schema",
                "20240101_init",
            ],
        );
        let extension = match self {
            Lang::TypeScript => pick(rng, &["ts", "tsx", "mts", "cts"]),
            Lang::JavaScript => pick(rng, &["js", "jsx", "mjs", "cjs"]),
            Lang::Python => pick(rng, &["py", "pyi"]),
            Lang::Rust => "rs",
            Lang::Sql => "sql",
            Lang::Prisma => "prisma",
            Lang::Json => pick(rng, &["json", "jsonc", "json5"]),
            Lang::Yaml => pick(rng, &["yaml", "yml"]),
            Lang::Toml => "toml",
            Lang::Env => {
                return format!(
                    "{folder}{}",
                    pick(rng, &[".env", ".env.local", ".env.production"])
                )
            }
        };
        if self == Lang::Json && rng.u8(..4) == 0 {
            return format!("{folder}package.json");
        }
        if self == Lang::Yaml && rng.u8(..4) == 0 {
            return format!("{folder}docker-compose.yml");
        }
        format!("{folder}{stem}.{extension}")
    }
}

/// Picks one element.
pub fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

/// A size for a repeated construct: mostly small, sometimes large enough to
/// reach the limits of a recursive parser or a quadratic algorithm.
pub fn size(rng: &mut Rng) -> usize {
    match rng.u8(..100) {
        0..=79 => rng.usize(1..6),
        80..=93 => rng.usize(6..60),
        94..=97 => rng.usize(60..700),
        _ => rng.usize(700..4000),
    }
}

/// Words and fragments the rules look for, and text that is awkward to
/// slice or render.
pub const DICTIONARY: &[&str] = &[
    "https://chi-gateway.example.workers.dev",
    "https://chi-gateway.old.workers.dev/v1/run?x=1#f",
    "chi-gateway",
    "éhttps://chi-gateway.example.workers.dev",
    "ñchi-gateway",
    "https://diiiploy-gateway.diiiploy.workers.dev",
    "https://gmail.googleapis.com/gmail/v1/users/me",
    "https://www.googleapis.com/drive/v3/files",
    "https://accounts.google.com/o/oauth2/v2/auth?response_type=code",
    "googleads.googleapis.com",
    "cloud_provider_integrations",
    "integration_gcp_status",
    "integration_aws_configured_at",
    "createServiceRoleClient",
    "saveGmailIntegrationStatus",
    "save_gcp_integration_status",
    "getUncachableGmailClient",
    "generateAuthUrl",
    "revoke",
    "disconnect",
    "deleteConnection",
    "Connector",
    "access_token",
    "refresh_token",
    "client_secret",
    "api_key",
    "apiKey",
    "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "AKIAIOSFODNN7EXAMPLE",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "-----BEGIN RSA PRIVATE KEY-----",
    "console.log",
    "logger.info",
    "print",
    "plumbline-ignore: forbidden-gateway-host -- reason",
    "plumbline-ignore: nope-rule",
    "plumbline-ignore:",
    "${",
    "`",
    "'",
    "\"",
    "\\",
    "/*",
    "*/",
    "#",
    "--",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
    "\u{301}",
    "é",
    "日本",
    "🦀",
    "\u{10ffff}",
    "{{",
    "[[",
    "((",
    "<<",
];

/// A random entry of the dictionary.
pub fn word(rng: &mut Rng) -> &'static str {
    pick(rng, DICTIONARY)
}

/// A string-literal body: a host, a secret, a name or a word, sometimes with
/// awkward characters around it.
fn literal_text(rng: &mut Rng) -> String {
    let mut text = String::new();
    if rng.u8(..6) == 0 {
        text.push_str(pick(rng, &["é", "ü", "日", "🦀", "\u{301}", "ß"]));
    }
    text.push_str(pick(
        rng,
        &[
            "https://chi-gateway.example.workers.dev/api",
            "https://chi-gateway.old.workers.dev",
            "http://chi-gateway:8080/x",
            "https://diiiploy-gateway.diiiploy.workers.dev",
            "https://gmail.googleapis.com/gmail/v1/users/me/messages",
            "https://www.googleapis.com/drive/v3",
            "https://accounts.google.com/o/oauth2/v2/auth",
            "cloud_provider_integrations",
            "integration_gcp_status",
            "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
            "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB",
            "AKIAIOSFODNN7EXAMPLE",
            "hello",
            "",
            "/api/connections/:id",
            "/oauth/callback",
            "GET",
        ],
    ));
    if rng.u8(..8) == 0 {
        text.push_str(pick(rng, &["é", "/path?q=1", "#frag", "\\u00e9", "%20"]));
    }
    if rng.u16(..400) == 0 {
        // Long enough to push a finding past the columns a renderer expects.
        let filler = "x".repeat(rng.usize(60_000..70_000));
        text.insert_str(0, &filler);
    }
    text
}

fn identifier(rng: &mut Rng) -> &'static str {
    pick(
        rng,
        &[
            "token",
            "accessToken",
            "refresh_token",
            "clientSecret",
            "apiKey",
            "api_key",
            "user",
            "url",
            "client",
            "supabase",
            "gateway",
            "x",
            "data",
            "GATEWAY_URL",
            "callback",
        ],
    )
}

/// Generates a file of `lang`.
pub fn generate(rng: &mut Rng, lang: Lang) -> String {
    match lang {
        Lang::TypeScript | Lang::JavaScript => script(rng, lang == Lang::TypeScript),
        Lang::Python => python(rng),
        Lang::Rust => rust(rng),
        Lang::Sql => sql(rng),
        Lang::Prisma => prisma(rng),
        Lang::Env => env(rng),
        Lang::Json => json(rng),
        Lang::Yaml => yaml(rng),
        Lang::Toml => toml_file(rng),
    }
}

fn quote(rng: &mut Rng, text: &str, quotes: &[char]) -> String {
    let quote = pick(rng, quotes);
    if quote == '`' {
        format!("`{text}${{{}}}`", identifier(rng))
    } else {
        format!("{quote}{text}{quote}")
    }
}

/// A TypeScript or JavaScript expression, at most `depth` deep.
fn script_expression(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return match rng.u8(..4) {
            0 => identifier(rng).to_string(),
            1 => rng.u32(..1000).to_string(),
            _ => {
                let text = literal_text(rng);
                quote(rng, &text, &['\'', '"', '`'])
            }
        };
    }
    match rng.u8(..10) {
        0 => {
            let terms = size(rng);
            let parts: Vec<String> = (0..terms).map(|_| script_expression(rng, 0)).collect();
            parts.join(" + ")
        }
        1 => format!("({})", script_expression(rng, depth - 1)),
        2 => format!(
            "{}.from({}).update({{ integration_gcp_status: {} }}).eq('id', {})",
            pick(rng, &["supabase", "db", "client"]),
            quote(rng, "cloud_provider_integrations", &['\'', '"']),
            script_expression(rng, depth - 1),
            identifier(rng)
        ),
        3 => format!(
            "{}({})",
            pick(
                rng,
                &[
                    "fetch",
                    "console.log",
                    "logger.info",
                    "createServiceRoleClient",
                    "getUncachableGmailClient",
                    "oauth2Client.generateAuthUrl",
                    "new URL"
                ]
            ),
            script_expression(rng, depth - 1)
        ),
        4 => format!(
            "{{ {}: {}, url: {} }}",
            identifier(rng),
            script_expression(rng, depth - 1),
            script_expression(rng, depth - 1)
        ),
        5 => format!(
            "[{}, {}]",
            script_expression(rng, depth - 1),
            script_expression(rng, depth - 1)
        ),
        6 => format!(
            "{} ? {} : {}",
            identifier(rng),
            script_expression(rng, depth - 1),
            script_expression(rng, depth - 1)
        ),
        7 => format!(
            "`${{{}}}/v1/{}`",
            script_expression(rng, depth - 1),
            identifier(rng)
        ),
        _ => script_expression(rng, 0),
    }
}

fn script_statement(rng: &mut Rng, typed: bool, depth: usize) -> String {
    let annotation = if typed { ": string" } else { "" };
    match rng.u8(..12) {
        0 => format!(
            "export const {}{annotation} = {};",
            identifier(rng),
            script_expression(rng, depth)
        ),
        1 => format!(
            "import {{ {} }} from {};",
            identifier(rng),
            {
                let module = pick(rng, &["googleapis", "google-auth-library", "./gateway", "@supabase/supabase-js"]);
                quote(rng, module, &['\'', '"'])
            }
        ),
        2 => {
            let body = script_block(rng, typed, depth.saturating_sub(1));
            format!(
                "export async function {}({}{annotation}) {{\n{body}\n}}",
                pick(rng, &["revoke", "disconnect", "deleteGmailConnection", "saveGmailIntegrationStatus", "GET", "handler"]),
                identifier(rng)
            )
        }
        3 => {
            let body = script_block(rng, typed, depth.saturating_sub(1));
            format!(
                "export class Gmail{} {{\n  async revoke(){} {{\n{body}\n  }}\n}}",
                if typed { " implements Connector" } else { "" },
                if typed { ": Promise<void>" } else { "" }
            )
        }
        4 => format!(
            "router.{}({}, async (req, res) => {{ {} }});",
            pick(rng, &["get", "delete", "post"]),
            {
                let path = pick(rng, &["/oauth/callback", "/api/connections/:id", "/auth/google/callback"]);
                quote(rng, path, &['\'', '"'])
            },
            script_statement(rng, typed, depth.saturating_sub(1))
        ),
        5 => format!("// {}", word(rng)),
        6 => format!("/* {} */ {};", word(rng), script_expression(rng, depth)),
        7 => {
            let levels = size(rng);
            format!(
                "{}{}{}",
                "if (x) {\n".repeat(levels),
                script_expression(rng, 1),
                "\n}".repeat(levels)
            )
        }
        8 => format!("console.log({}, {});", identifier(rng), script_expression(rng, depth)),
        9 => format!(
            "export default {{ id: {}, name: 'Gmail', auth: {{ type: 'oauth2', authorizeUrl: {} }} }};",
            {
                let id = pick(rng, &["gmail", "Bad Id", ""]);
                quote(rng, id, &['\''])
            },
            script_expression(rng, depth)
        ),
        10 => {
            let levels = size(rng);
            format!("const v = {}1{};", "(".repeat(levels), ")".repeat(levels))
        }
        _ => format!("{};", script_expression(rng, depth)),
    }
}

fn script_block(rng: &mut Rng, typed: bool, depth: usize) -> String {
    let count = rng.usize(1..5);
    (0..count)
        .map(|_| format!("  {}", script_statement(rng, typed, depth)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn script(rng: &mut Rng, typed: bool) -> String {
    let count = size(rng).min(200);
    let depth = rng.usize(1..4);
    let mut out: Vec<String> = (0..count)
        .map(|_| script_statement(rng, typed, depth))
        .collect();
    if rng.u8(..10) == 0 {
        out.push("<div className={`x`}>{token}</div>".to_string());
    }
    out.join("\n") + "\n"
}

fn python_expression(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return match rng.u8(..4) {
            0 => identifier(rng).to_string(),
            1 => rng.u32(..1000).to_string(),
            _ => {
                let text = literal_text(rng);
                let prefix = pick(rng, &["", "", "f", "r", "b"]);
                format!("{prefix}{}", quote(rng, &text, &['\'', '"']))
            }
        };
    }
    match rng.u8(..8) {
        0 => {
            let terms = size(rng);
            (0..terms)
                .map(|_| python_expression(rng, 0))
                .collect::<Vec<_>>()
                .join(" + ")
        }
        1 => format!(
            "supabase.table({}).update({{\"integration_gcp_status\": {}}}).execute()",
            quote(rng, "cloud_provider_integrations", &['"', '\'']),
            python_expression(rng, depth - 1)
        ),
        2 => format!(
            "{}({})",
            pick(
                rng,
                &[
                    "requests.get",
                    "print",
                    "logger.info",
                    "httpx.post",
                    "create_client",
                    "get_uncachable_gmail_client"
                ]
            ),
            python_expression(rng, depth - 1)
        ),
        3 => format!("({})", python_expression(rng, depth - 1)),
        4 => format!(
            "[{} for x in {}]",
            python_expression(rng, depth - 1),
            identifier(rng)
        ),
        5 => format!(
            "{{{}: {}}}",
            python_expression(rng, 0),
            python_expression(rng, depth - 1)
        ),
        _ => python_expression(rng, 0),
    }
}

fn python_statements(rng: &mut Rng, indent: usize, depth: usize) -> Vec<String> {
    let pad = " ".repeat(indent * 4);
    let count = rng.usize(1..5);
    let mut lines = Vec::new();
    for _ in 0..count {
        match rng.u8(..11) {
            0 if depth > 0 => {
                lines.push(format!(
                    "{pad}{}def {}(self, {}):",
                    pick(rng, &["", "async "]),
                    pick(
                        rng,
                        &[
                            "revoke",
                            "disconnect",
                            "delete_connection",
                            "save_gcp_integration_status",
                            "callback"
                        ]
                    ),
                    identifier(rng)
                ));
                lines.extend(python_statements(rng, indent + 1, depth - 1));
            }
            1 if depth > 0 => {
                lines.push(format!("{pad}class GmailConnector(Connector):"));
                lines.extend(python_statements(rng, indent + 1, depth - 1));
            }
            2 => lines.push(format!(
                "{pad}@{}.get({})",
                pick(rng, &["app", "router"]),
                {
                    let path = pick(
                        rng,
                        &["/oauth/callback", "/auth/google/callback", "/health"],
                    );
                    quote(rng, path, &['"'])
                }
            )),
            3 => lines.push(format!("{pad}# {}", word(rng).replace(['\r', '\n'], " "))),
            4 => {
                // Deep blocks, indented by one column or by four.
                let levels = size(rng);
                let unit = pick(rng, &[1, 4]);
                for level in 0..levels {
                    lines.push(format!("{pad}{}if x:", " ".repeat(level * unit)));
                }
                lines.push(format!("{pad}{}pass", " ".repeat(levels * unit)));
            }
            5 => lines.push(format!("{pad}return {}", python_expression(rng, 2))),
            6 => lines.push(format!("{pad}pass")),
            7 => {
                let depth = rng.usize(0..4);
                lines.push(format!(
                    "{pad}{} = {}",
                    identifier(rng),
                    python_expression(rng, depth)
                ));
            }
            8 => lines.push(format!(
                "{pad}from {} import {}",
                pick(
                    rng,
                    &["googleapiclient.discovery", "supabase", "app.gateway"]
                ),
                identifier(rng)
            )),
            9 => {
                let levels = size(rng);
                lines.push(format!(
                    "{pad}v = {}1{}",
                    "[".repeat(levels),
                    "]".repeat(levels)
                ));
            }
            _ => lines.push(format!("{pad}{}", python_expression(rng, 2))),
        }
    }
    lines
}

fn python(rng: &mut Rng) -> String {
    let mut lines = Vec::new();
    let blocks = size(rng).min(60);
    for _ in 0..blocks {
        lines.extend(python_statements(rng, 0, 3));
    }
    lines.join("\n") + "\n"
}

fn rust_expression(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return match rng.u8(..3) {
            0 => identifier(rng).to_lowercase(),
            1 => rng.u32(..1000).to_string(),
            _ => format!("{:?}", literal_text(rng)),
        };
    }
    match rng.u8(..7) {
        0 => format!(
            "concat!({}, {})",
            rust_expression(rng, 0),
            rust_expression(rng, 0)
        ),
        1 => format!("format!(\"{{}}/x\", {})", rust_expression(rng, depth - 1)),
        2 => format!("reqwest::get({}).await?", rust_expression(rng, depth - 1)),
        3 => format!("({})", rust_expression(rng, depth - 1)),
        4 => {
            let levels = size(rng);
            format!("{}0{}", "(".repeat(levels), ")".repeat(levels))
        }
        5 => format!("Some({})", rust_expression(rng, depth - 1)),
        _ => rust_expression(rng, 0),
    }
}

fn rust_item(rng: &mut Rng) -> String {
    match rng.u8(..8) {
        0 => format!("const GATEWAY: &str = {};", rust_expression(rng, 1)),
        1 => format!(
            "impl Connector for Gmail {{\n    async fn revoke(&self) -> Result<()> {{\n        {}\n    }}\n}}",
            pick(rng, &["Ok(())", "todo!()", "unimplemented!()", "tracing::info!(\"revoke\"); Ok(())"])
        ),
        2 => format!(
            "fn log(token: &str) {{ println!(\"{{}}\", {}); tracing::info!(access_token = %{}); }}",
            identifier(rng).to_lowercase(),
            identifier(rng).to_lowercase()
        ),
        3 => {
            let levels = size(rng);
            format!(
                "fn deep() {{ {} let x = {}; {} }}",
                "{ ".repeat(levels),
                rust_expression(rng, 1),
                "} ".repeat(levels)
            )
        }
        4 => {
            let levels = size(rng);
            format!(
                "type T = {}u8{};",
                "Option<".repeat(levels),
                ">".repeat(levels)
            )
        }
        5 => format!("// {}\nstatic URL: &str = {};", word(rng), rust_expression(rng, 0)),
        6 => format!(
            "trait Connector {{ fn revoke(&self) {{ {} }} }}",
            rust_expression(rng, 2)
        ),
        _ => format!("fn f() {{ let _ = {}; }}", rust_expression(rng, 2)),
    }
}

fn rust(rng: &mut Rng) -> String {
    let count = size(rng).min(100);
    (0..count)
        .map(|_| rust_item(rng))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn sql(rng: &mut Rng) -> String {
    let count = size(rng).min(100);
    let mut out = Vec::new();
    for _ in 0..count {
        let table = pick(
            rng,
            &[
                "cloud_provider_integrations",
                "connections",
                "\"Users\"",
                "public.tokens",
            ],
        );
        out.push(match rng.u8(..7) {
            0 => {
                let columns = size(rng).min(500);
                let list: Vec<String> = (0..columns)
                    .map(|i| {
                        format!(
                            "  {} {}",
                            pick(
                                rng,
                                &[
                                    "access_token",
                                    "refresh_token",
                                    "api_key",
                                    "client_secret",
                                    "name",
                                    "id"
                                ]
                            )
                            .to_string()
                                + &i.to_string(),
                            pick(rng, &["text", "varchar(255)", "bytea", "uuid", "jsonb"])
                        )
                    })
                    .collect();
                format!("create table {table} (\n{}\n);", list.join(",\n"))
            }
            1 => format!("alter table {table} add column integration_gcp_status text;"),
            2 => format!(
                "select integration_gcp_status from {table} where id = {};",
                rng.u32(..100)
            ),
            3 => format!("update {table} set integration_aws_configured_at = now();"),
            4 => format!("-- {}", word(rng)),
            5 => {
                let levels = size(rng);
                format!("select {}1{};", "(".repeat(levels), ")".repeat(levels))
            }
            _ => format!("drop table if exists {table};"),
        });
    }
    out.join("\n") + "\n"
}

fn prisma(rng: &mut Rng) -> String {
    let models = size(rng).min(40);
    let mut out = vec![
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}"
            .to_string(),
    ];
    for index in 0..models {
        let fields = size(rng).min(300);
        let body: Vec<String> = (0..fields)
            .map(|_| {
                format!(
                    "  {} {}{}",
                    pick(
                        rng,
                        &[
                            "access_token",
                            "refreshToken",
                            "apiKey",
                            "client_secret",
                            "id",
                            "name"
                        ]
                    ),
                    pick(rng, &["String", "String?", "Bytes", "Int", "DateTime"]),
                    pick(
                        rng,
                        &["", " @id", " @db.Text", " @map(\"refresh_token\")", " // é"]
                    )
                )
            })
            .collect();
        out.push(format!("model Account{index} {{\n{}\n}}", body.join("\n")));
    }
    out.join("\n\n") + "\n"
}

fn env(rng: &mut Rng) -> String {
    let count = size(rng).min(300);
    (0..count)
        .map(|_| {
            let key = pick(
                rng,
                &[
                    "GATEWAY_URL",
                    "API_KEY",
                    "CLIENT_SECRET",
                    "export STRIPE_SECRET_KEY",
                    "X",
                    "GITHUB_TOKEN",
                ],
            );
            let value = literal_text(rng);
            match rng.u8(..4) {
                0 => format!("{key}=\"{value}\""),
                1 => format!("{key}='{value}' # {}", word(rng).replace(['\r', '\n'], " ")),
                2 => format!("# {key}={value}"),
                _ => format!("{key}={value}"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn json_value(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return match rng.u8(..5) {
            0 => rng.u32(..1000).to_string(),
            1 => pick(
                rng,
                &[
                    "true",
                    "null",
                    "1e400",
                    "-0",
                    "123456789012345678901234567890",
                ],
            )
            .to_string(),
            _ => format!("{:?}", literal_text(rng)),
        };
    }
    match rng.u8(..4) {
        0 => {
            let levels = size(rng);
            format!("{}1{}", "[".repeat(levels), "]".repeat(levels))
        }
        1 => format!(
            "[{}, {}]",
            json_value(rng, depth - 1),
            json_value(rng, depth - 1)
        ),
        _ => {
            let members = rng.usize(1..5);
            let body: Vec<String> = (0..members)
                .map(|_| {
                    format!(
                        "{:?}: {}",
                        pick(
                            rng,
                            &[
                                "url",
                                "gateway",
                                "apiKey",
                                "client_secret",
                                "dependencies",
                                "googleapis",
                                "hooks",
                                "url"
                            ]
                        ),
                        json_value(rng, depth - 1)
                    )
                })
                .collect();
            format!("{{{}}}", body.join(", "))
        }
    }
}

fn json(rng: &mut Rng) -> String {
    let depth = rng.usize(1..5);
    json_value(rng, depth) + "\n"
}

fn yaml(rng: &mut Rng) -> String {
    let mut lines = Vec::new();
    let count = size(rng).min(200);
    for _ in 0..count {
        match rng.u8(..6) {
            0 => {
                let levels = size(rng);
                for level in 0..levels {
                    lines.push(format!("{}k{level}:", "  ".repeat(level)));
                }
                lines.push(format!("{}v: {}", "  ".repeat(levels), literal_text(rng)));
            }
            1 => lines.push(format!("  - {:?}", literal_text(rng))),
            2 => lines.push(format!("# {}", word(rng).replace(['\r', '\n'], " "))),
            3 => lines.push(format!(
                "environment:\n  - GATEWAY_URL={}\n  - API_KEY={}",
                literal_text(rng),
                literal_text(rng)
            )),
            4 => lines.push(format!("anchor: &a {}\nalias: *a", literal_text(rng))),
            _ => lines.push(format!(
                "{}: {}",
                pick(
                    rng,
                    &["url", "gateway_url", "api_key", "client_secret", "image"]
                ),
                literal_text(rng)
            )),
        }
    }
    lines.join("\n") + "\n"
}

fn toml_file(rng: &mut Rng) -> String {
    let mut lines = Vec::new();
    let count = size(rng).min(200);
    for index in 0..count {
        match rng.u8(..5) {
            0 => lines.push(format!("[section{index}]")),
            1 => lines.push(format!(
                "{} = {:?}",
                pick(rng, &["url", "gateway", "api_key", "client_secret", "name"]),
                literal_text(rng)
            )),
            2 => {
                let levels = size(rng);
                lines.push(format!(
                    "v{index} = {}1{}",
                    "[".repeat(levels),
                    "]".repeat(levels)
                ));
            }
            3 => lines.push(format!("# {}", word(rng).replace(['\r', '\n'], " "))),
            _ => lines.push(format!(
                "t{index} = {{ url = {:?}, n = {} }}",
                literal_text(rng),
                rng.u32(..9)
            )),
        }
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_by_seed() {
        for lang in Lang::ALL {
            let first = generate(&mut Rng::with_seed(7), lang);
            let second = generate(&mut Rng::with_seed(7), lang);
            assert_eq!(first, second, "{lang:?}");
        }
    }

    #[test]
    fn every_generated_file_name_is_read_as_its_language() {
        let mut rng = Rng::with_seed(3);
        for lang in Lang::ALL {
            for _ in 0..20 {
                let name = lang.file_name(&mut rng);
                let read_as = Lang::of_path(&name).unwrap();
                let same_family = read_as == lang
                    || matches!(
                        (read_as, lang),
                        (Lang::TypeScript, Lang::JavaScript) | (Lang::JavaScript, Lang::TypeScript)
                    );
                assert!(same_family, "{name} for {lang:?}");
            }
        }
    }
}
