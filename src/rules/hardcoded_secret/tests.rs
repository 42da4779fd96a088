use super::options::Options;
use super::values::{
    body_is_random, camel_pieces, entropy, has_run, is_placeholder, is_word_like, shown_prefix,
};
use super::*;

const OPENAI: &str =
    "sk-proj-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8";
const GITHUB: &str = "ghp_wUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aE6";
const RANDOM: &str = "K6cPTt9iOqHOBSWhgetH8Lmy";

/// The built-in instance's options, plus one custom prefix.
fn check() -> SecretCheck {
    let meta = crate::rules::builtin_rules()
        .iter()
        .find(|m| m.id == "hardcoded-credential")
        .unwrap();
    let mut options: Options = parse_options(&meta.options).unwrap();
    options.prefixes = vec!["acme_live_".into()];
    SecretCheck::new(options).unwrap()
}

/// The sampled scan finds exactly the runs a scan of every run finds.
#[test]
fn candidate_runs_match_a_full_scan() {
    let check = check();
    let full = |text: &str| -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = text
            .split_ascii_whitespace()
            .filter(|run| run.len() >= check.min_length && could_hold_random(run))
            .map(|run| {
                let start = run.as_ptr() as usize - text.as_ptr() as usize;
                start..start + run.len()
            })
            .collect();
        ranges.extend(check.find_formats(text).into_iter().map(|h| h.span));
        ranges.extend(text.match_indices(KEY_HEADER).map(|(i, m)| i..i + m.len()));
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    };
    let mut texts = vec![
        String::new(),
        RANDOM.to_string(),
        format!(" {RANDOM}"),
        format!("{RANDOM} "),
        format!("a\t{RANDOM}\n-----BEGIN RSA PRIVATE KEY-----\n{GITHUB} {OPENAI}"),
        "x".repeat(15),
        format!("{} {RANDOM}{RANDOM}", "k9".repeat(7)),
    ];
    // Every split of a random run by white space at every offset.
    for at in 0..=RANDOM.len() {
        for ws in [" ", "\n", "\r\n", "\t"] {
            let (a, b) = RANDOM.split_at(at);
            texts.push(format!("{a}{ws}{b}{RANDOM}{ws}{b}{a}{a}"));
        }
    }
    // Runs of exactly the shortest length, at every offset.
    for lead in 0..40 {
        for run in [&RANDOM[..16], &RANDOM[..17], &RANDOM[3..19]] {
            texts.push(format!("{} {run} {run}\n{run}", "a".repeat(lead)));
            texts.push(format!("{}\t{run}", " ".repeat(lead)));
        }
    }
    for dir in [
        "fixtures/hardcoded-credential/fail",
        "fixtures/hardcoded-credential/pass",
    ] {
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                texts.push(text);
            }
        }
    }
    assert!(texts.len() > 100);
    for text in &texts {
        assert_eq!(check.candidates(text).0, full(text), "{text:?}");
    }
}

fn compile_error(options: &str) -> OptionError {
    let table: toml::Table = format!("names = [\"*_TOKEN\"]\n{options}").parse().unwrap();
    match HardcodedSecret.compile(&table) {
        Ok(_) => panic!("{options} compiles"),
        Err(e) => e,
    }
}

#[test]
fn options_are_validated() {
    assert_eq!(
        compile_error("formats = [\"opneai\"]").option.as_deref(),
        Some("formats")
    );
    assert_eq!(
        compile_error("prefixes = [\"x\"]").option.as_deref(),
        Some("prefixes")
    );
    assert_eq!(
        compile_error("min_length = 4").option.as_deref(),
        Some("min_length")
    );
    assert_eq!(
        compile_error("ignore_names = [\"*\"]").option.as_deref(),
        Some("ignore_names")
    );
    assert_eq!(
        compile_error("test_paths = [\"a/[\"]").option.as_deref(),
        Some("test_paths")
    );
    let only_aws: toml::Table = "names = []\nformats = [\"aws\"]".parse().unwrap();
    let check = HardcodedSecret.compile(&only_aws).unwrap();
    assert!(check.literals().contains(&"AKIA".to_string()));
    assert!(!check
        .literals()
        .iter()
        .any(|l| l.starts_with("sk-") || l == "PRIVATE KEY"));
}

fn formats(value: &str) -> Vec<String> {
    check()
        .find_formats(value)
        .into_iter()
        .map(|h| format!("{}: {}", h.description, &value[h.span]))
        .collect()
}

fn named(value: &str, name: &str) -> bool {
    check().find_named(value, name).is_some()
}

fn lint(path: &str, text: &str) -> Vec<crate::Finding> {
    crate::rules::lint_with_only("hardcoded-credential", &[(path, text)])
}

#[test]
fn words_split_at_case_and_punctuation() {
    assert_eq!(split_words("openaiApiKey"), ["openai", "api", "key"]);
    assert_eq!(split_words("OPENAI_API_KEY"), ["openai", "api", "key"]);
    assert_eq!(split_words("x-api-key"), ["x", "api", "key"]);
    assert_eq!(split_words("APIKey"), ["api", "key"]);
    assert_eq!(split_words("API_KEY_2"), ["api", "key"]);
    assert_eq!(split_words("oauth2Token"), ["oauth2", "token"]);
    assert_eq!(
        split_words("spring.datasource.password"),
        ["spring", "datasource", "password"]
    );
}

#[test]
fn word_globs() {
    let g = WordGlob::new("*_API_KEY").unwrap();
    for name in [
        "OPENAI_API_KEY",
        "openaiApiKey",
        "apiKey",
        "api_key",
        "X-Api-Key",
        "API_KEY_2",
    ] {
        assert!(g.is_match(name), "{name}");
    }
    for name in ["apiKeyId", "API_KEY_NAME", "keyApi", "monkey"] {
        assert!(!g.is_match(name), "{name}");
    }
    let t = WordGlob::new("*_TOKEN").unwrap();
    assert!(t.is_match("token") && t.is_match("accessToken") && t.is_match("GITHUB_TOKEN"));
    assert!(!t.is_match("max_tokens") && !t.is_match("tokenizer") && !t.is_match("TOKEN_URL"));
    let p = WordGlob::new("NEXT_PUBLIC_*").unwrap();
    assert!(p.is_match("NEXT_PUBLIC_SUPABASE_ANON_KEY") && !p.is_match("NEXT_SECRET"));
    assert!(WordGlob::new("clientSecret")
        .unwrap()
        .is_match("CLIENT_SECRET"));
    assert!(WordGlob::new("*").is_none());
    assert_eq!(
        WordGlob::new("*_API_KEY").unwrap().literals(),
        ["apikey", "api_key", "api-key", "api.key", "api key", "api__key", "api:key"]
    );
    assert_eq!(WordGlob::new("*_TOKEN").unwrap().literals(), ["token"]);
}

#[test]
fn every_matching_name_spells_a_literal_of_its_glob() {
    let names = [
        "OPENAI_API_KEY",
        "openaiApiKey",
        "x-api-key",
        "stripe.api.key",
        "API Key",
        "APIKey",
        "API_KEY_2",
        "Api__Key",
        "PAYMENTS__API__KEY",
        "Jwt__Signing__Key",
        "Storage:Access:Key",
        "clientSecret",
        "CLIENT_SECRET",
        "client-secret",
        "access_token",
        "accessToken",
        "AWS_SECRET_ACCESS_KEY",
        "awsAccessKey",
        "JWT_PRIVATE_KEY",
        "privateKey",
        "WEBHOOK_SIGNING_KEY",
        "DB_PASSWORD",
        "spring.datasource.password",
        "Authorization",
    ];
    let instance: toml::Table = include_str!("../../../rules/hardcoded-credential.toml")
        .parse()
        .unwrap();
    let globs: Vec<WordGlob> = instance["options"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| WordGlob::new(n.as_str().unwrap()))
        .collect();
    for name in names {
        let matching: Vec<&WordGlob> = globs.iter().filter(|g| g.is_match(name)).collect();
        assert!(!matching.is_empty(), "{name} matches no default name");
        for glob in matching {
            assert!(
                glob.literals()
                    .iter()
                    .any(|l| name.to_ascii_lowercase().contains(l.as_str())),
                "{name} spells none of {:?}",
                glob.literals()
            );
        }
    }
}

#[test]
fn provider_documentation_samples_are_not_secrets() {
    assert!(!named("Jhj5dZrVaK7ZwHHjRyZWjbDl", "token"));
    assert!(!named("8f742231b10e8888abcd99yyyzzz85a5", "signing_secret"));
    assert!(formats("Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a").is_empty());
    assert!(formats("key-3ax6xnjp29jd6fds4gc373sgvjxteol0").is_empty());
    let azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    assert!(!named(azurite, "AZURE_STORAGE_CONNECTION_STRING"));
    assert!(formats("sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz").is_empty());
    assert!(!named(
        "850181e4652dd023b7a98c58ae0d2d34bd487ee0cc3254aed6eda37307425907",
        "S3_SECRET_ACCESS_KEY"
    ));
    assert_eq!(
        formats("sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvy").len(),
        1
    );
    // One character off, the same shapes are keys again.
    assert!(named("Jhj5dZrVaK7ZwHHjRyZWjbDm", "token"));
    assert_eq!(
        formats("Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4b").len(),
        1
    );
}

#[test]
fn a_key_block_must_hold_a_key() {
    use super::values::is_other_structure;
    let runs = |body: &str| std::iter::once(0..body.len()).collect::<Vec<_>>();
    for body in [
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
        "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oDAkgqp9tEHSoAoGCCqGSM49",
        "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF",
    ] {
        assert!(
            !is_other_structure("PRIVATE KEY", body, &runs(body)),
            "{body}"
        );
    }
    // A certificate's opening pasted as a form's placeholder.
    let certificate = "MIIFRDCCAyygAwIBAgIUEPOR47ys6VDwMVB9tYoeEka83uQwDQYJKoZIhvcNAQELBQAw";
    assert!(is_other_structure(
        "PRIVATE KEY",
        certificate,
        &runs(certificate)
    ));
    // Encrypted keys and other labels are not read this way.
    assert!(!is_other_structure(
        "ENCRYPTED PRIVATE KEY",
        certificate,
        &runs(certificate)
    ));
    assert!(!is_other_structure(
        "OPENSSH PRIVATE KEY",
        certificate,
        &runs(certificate)
    ));
}

#[test]
fn known_formats_need_their_full_shape() {
    assert_eq!(formats(OPENAI), [format!("OpenAI API key: {OPENAI}")]);
    assert_eq!(
        formats(&format!("Bearer {GITHUB}")),
        [format!("GitHub token: {GITHUB}")]
    );
    let slack = "xoxb-62057986828-2880729022279-UhJduRHHJEYXg4JdpmrcXgGC";
    assert_eq!(formats(slack).len(), 1);
    assert_eq!(
        formats("AKIAKOK3ZV2MWUFXBV54"),
        ["AWS access key ID: AKIAKOK3ZV2MWUFXBV54"]
    );
    assert_eq!(formats("https://maps.googleapis.com/maps/api/js?key=AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_&v=3").len(), 1);
    assert_eq!(formats("acme_live_Ufd7UACNWiP3sFd67JikEAvstq").len(), 1);
    for placeholder in [
        "sk-...",
        "sk-your-key",
        "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-1234567890abcdef1234567890abcdef1234567890ab",
        "AKIAIOSFODNN7EXAMPLE",
        "AKIAXXXXXXXXXXXXXXXX",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "xoxb-your-bot-token",
        "xoxb-0000000000-0000000000000-abcdefghijklmnopqrstuvwx",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "ghp_wUbbYrEqmSM9wCZ7Uw9xfogoEmvn",
        "task-manager-service-worker-for-production-use",
        "sha512-AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_extra",
    ] {
        assert!(formats(placeholder).is_empty(), "{placeholder}");
    }
}

#[test]
fn credential_names_need_random_values() {
    assert!(named(RANDOM, "JWT_SECRET"));
    assert!(named("79fc35526f7eaed46725a2a7b860dcd6", "apiKey"));
    assert!(named(&format!("Bearer {RANDOM}"), "Authorization"));
    assert!(!named(RANDOM, "NEXT_PUBLIC_MAPBOX_TOKEN"), "public");
    assert!(!named(RANDOM, "nextPageToken"), "ignored name");
    assert!(!named(RANDOM, "api_url"), "not a credential name");
    assert!(
        !named(RANDOM, "DEMO_TOKEN") && !named(RANDOM, "exampleApiKey"),
        "fake by name"
    );
    for value in [
        "",
        "changeme",
        "hunter2",
        "access_token",
        "OPENAI_API_KEY",
        "my-super-secret-jwt-key",
        "generate-with-openssl-rand-base64-32",
        "supersecretkey1234567",
        "your-api-key-here",
        "<your token>",
        "${OPENAI_API_KEY}",
        "{{ secrets.OPENAI_API_KEY }}",
        "$OPENAI_API_KEY",
        "%(api_key)s",
        "****************",
        "aaaaaaaaaaaaaaaaaaaa",
        "https://api.example.com/v1/token",
        "/run/secrets/api_key",
        "0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984",
        "pk_live_51H8xYzAbCdEfGh12345678",
        "2024-01-01T00:00:00Z",
        "dXNlcjpwYXNzd29yZA==",
        "django-insecure-9u2x8k3l5m7n1p4q6r8s0t2v",
        "1x0000000000000000000000000000000AA",
        "abc123def456ghi789jkl",
        "abcd1234abcd1234abcd1234",
        "Xy7Xy7Xy7Xy7Xy7Xy7Xy7",
        "phc_K6cPTt9iOqHOBSWhgetH8Lmy",
        "correct horse battery staple",
        "Bearer ${token}",
        "admin@example.com",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ] {
        assert!(!named(value, "API_SECRET"), "{value}");
    }
    assert!(!named("Basic dXNlcjpwYXNzd29yZA==", "authorization"));
}

/// Random tokens of the usual alphabets pass the heuristic: the
/// placeholder, word and sequence checks cost little recall.
#[test]
fn random_tokens_look_random() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let base62 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let base64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let hex = b"0123456789abcdef";
    for (alphabet, len, min_rate) in [
        (&base62[..], 20, 0.95),
        (&base62[..], 32, 0.99),
        (&base64[..], 40, 0.97),
        (&hex[..], 32, 0.99),
        (&hex[..], 64, 0.99),
    ] {
        let trials = 2000;
        let mut passed = 0;
        let mut candidates = 0;
        for _ in 0..trials {
            let token: String = (0..len)
                .map(|_| alphabet[next(alphabet.len())] as char)
                .collect();
            if !token.bytes().any(|b| b.is_ascii_digit())
                || !token.bytes().any(|b| b.is_ascii_alphabetic())
            {
                continue;
            }
            candidates += 1;
            passed += usize::from(looks_random(&token, 16));
            assert!(body_is_random(&token) || is_placeholder(&token));
        }
        let rate = passed as f64 / candidates as f64;
        assert!(
            rate >= min_rate,
            "{len} chars of {}: {rate}",
            alphabet.len()
        );
    }
}

#[test]
fn runs_and_entropy() {
    assert!(has_run(b"abc123456xyz") && has_run(b"xx00000") && has_run(b"fedcba"));
    assert!(!has_run(RANDOM.as_bytes()));
    assert!(entropy("aaaa") < 0.1 && entropy(RANDOM) > 3.5);
    assert!(is_word_like("my-app-v2-2024") && !is_word_like(RANDOM));
    for words in [
        "ReviewSchema2Payload",
        "getUncachableGmailClient2",
        ".replace(/[\\u0300-\\u036f]/g,",
        "useLocalStorageV2Hook",
        "OAuth2Callback",
        "HTTPServerError",
        "status.HTTP_404_NOT_FOUND",
        "className=\"text-2xl",
        "SUBSCRIPTION_STATUSES3",
    ] {
        assert!(is_word_like(words), "{words}");
    }
    for noise in [
        "JBSWY3DPEHPK3PXP",
        "79fc35526f7eaed46725a2a7b860dcd6",
        "q8vt2mxr9lpk4wz7nb3c",
    ] {
        assert!(!is_word_like(noise), "{noise}");
    }
    assert_eq!(
        camel_pieces("getOAuth2URLs"),
        ["get", "O", "Auth", "2", "UR", "Ls"]
    );
    assert_eq!(shown_prefix(RANDOM), "K6c");
    assert_eq!(base64_decode("c2stcHJvag==").unwrap(), b"sk-proj");
}

#[test]
fn key_blocks() {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu";
    let value =
        format!("-----BEGIN RSA PRIVATE KEY-----\\n{body}\\n-----END RSA PRIVATE KEY-----\\n");
    let (hits, open) = check().find_key_blocks(&value);
    assert!(open.is_empty());
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].description, "RSA private key");
    assert_eq!(
        &value[hits[0].span.clone()],
        "-----BEGIN RSA PRIVATE KEY-----"
    );
    // `\n` escapes stay visible between the masked runs.
    assert!(hits[0]
        .redact
        .iter()
        .all(|r| !value[r.clone()].contains('\\')));
    let placeholder = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----";
    assert!(check().find_key_blocks(placeholder).0.is_empty());
    let (hits, open) = check().find_key_blocks("-----BEGIN OPENSSH PRIVATE KEY-----");
    assert!(hits.is_empty() && open.len() == 1);
    assert!(check()
        .find_key_blocks("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")
        .1
        .is_empty());
}

#[test]
fn findings_name_the_binding_and_mask_the_value() {
    let text = format!("const config = {{ openaiKey: process.env.KEY ?? '{OPENAI}' }};\n");
    let findings = lint("src/config.ts", &text);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(
        f.message,
        "hardcoded OpenAI API key `sk-proj-…REDACTED` in `openaiKey`"
    );
    assert!(!f.source.text.contains(OPENAI));
    assert_eq!(&f.source.text[f.span.clone()], "*".repeat(OPENAI.len()));
}

#[test]
fn bindings_in_every_language() {
    let cases: &[(&str, String)] = &[
        ("a.ts", format!("class C {{ private readonly clientSecret = \"{RANDOM}\"; }}")),
        ("a.ts", format!("function f(apiKey = '{RANDOM}') {{}}")),
        ("a.tsx", format!("const x = <Provider apiKey=\"{RANDOM}\" />;")),
        ("a.js", format!("process.env.JWT_SECRET = '{RANDOM}';")),
        ("a.js", format!("headers.set('x-api-key', '{RANDOM}');")),
        ("a.py", format!("client = Client(api_key=\"{RANDOM}\")")),
        ("a.py", format!("SECRET = os.getenv(\"JWT_SECRET\", \"{RANDOM}\")")),
        ("a.py", format!("class S(BaseSettings):\n    jwt_secret: SecretStr = SecretStr(\"{RANDOM}\")")),
        ("a.py", format!("def f(token=\"{RANDOM}\"): pass")),
        ("a.py", format!("os.environ[\"OPENAI_API_KEY\"] = \"{RANDOM}\"")),
        ("a.py", format!("CONFIG = {{\"client_secret\": \"{RANDOM}\"}}")),
        ("a.rs", format!("const API_TOKEN: &str = \"{RANDOM}\";")),
        ("a.rs", format!("fn f() {{ let c = Config {{ api_key: \"{RANDOM}\".to_string() }}; }}")),
        ("a.rs", format!("fn f() {{ let k = std::env::var(\"API_KEY\").unwrap_or_else(|_| \"{RANDOM}\".into()); }}")),
        (
            "a.rs",
            format!("async fn f(c: Client) {{ c.get(U).header(\"x-api-key\", \"{RANDOM}\").send().await; }}"),
        ),
        (
            "a.rs",
            format!("async fn f(c: Client) {{ c.get(U).bearer_auth(\"{RANDOM}\").send().await; }}"),
        ),
        ("a.ts", format!("enum Keys {{ SIGNING_SECRET = '{RANDOM}' }}")),
        (".env.example", format!("export JWT_SECRET=\"{RANDOM}\"\n")),
        ("wrangler.toml", format!("[vars]\nWEBHOOK_SECRET = \"{RANDOM}\"\n")),
        ("docker-compose.yml", format!("services:\n  api:\n    environment:\n      - JWT_SECRET={RANDOM}\n")),
        ("k8s.yaml", format!("env:\n  - name: JWT_SECRET\n    value: {RANDOM}\n")),
    ];
    for (path, text) in cases {
        let findings = lint(path, text);
        assert_eq!(findings.len(), 1, "{path}: {text}\n{findings:?}");
        assert!(!findings[0].source.text.contains(RANDOM), "{path}");
        assert!(
            findings[0].message.starts_with("hardcoded secret `"),
            "{}",
            findings[0].message
        );
    }
}

#[test]
fn rust_that_does_not_parse_is_read_lexically() {
    let text = format!("// \"{GITHUB}\"\nfn f( {{\n    let t = \"{GITHUB}\";\n");
    let findings = lint("src/broken.rs", &text);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].start.line, 3);
    assert_eq!(
        findings[0].message,
        "hardcoded GitHub token `ghp_…REDACTED`"
    );
}

#[test]
fn quiet_places() {
    let cases: &[(&str, String)] = &[
        ("a.ts", format!("// const JWT_SECRET = '{RANDOM}';")),
        ("a.ts", format!("type Key = '{OPENAI}';")),
        ("a.ts", "const apiKey = process.env.OPENAI_API_KEY!;".to_string()),
        ("a.py", format!("def f():\n    \"\"\"Call with {OPENAI}.\"\"\"\n")),
        ("a.py", format!("# token = \"{RANDOM}\"")),
        ("a.rs", format!("#[cfg(test)]\nmod tests {{ const API_TOKEN: &str = \"{OPENAI}\"; }}")),
        ("a.rs", format!("/// `{OPENAI}`\nfn f() {{}}")),
        ("broken.rs", format!("// \"{OPENAI}\"\nfn f( {{ let c = '\"'; }}")),
        ("src/__tests__/a.ts", format!("const k = '{OPENAI}';")),
        ("tests/test_client.py", format!("KEY = \"{OPENAI}\"")),
        (".env", format!("OPENAI_API_KEY={OPENAI}\n")),
        ("web/.env.local", format!("OPENAI_API_KEY={OPENAI}\n")),
        ("web/.env.production.local", format!("OPENAI_API_KEY={OPENAI}\n")),
        ("a.ts", "const firebaseConfig = { apiKey: 'AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_', authDomain: 'x.firebaseapp.com' };".to_string()),
        (".env.production", "NEXT_PUBLIC_GOOGLE_MAPS_KEY=AIzadi4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_\n".to_string()),
    ];
    for (path, text) in cases {
        let findings = lint(path, text);
        assert!(findings.is_empty(), "{path}: {text}\n{findings:?}");
    }
}

#[test]
fn kubernetes_secret_data_is_decoded() {
    let encoded = "c2stcHJvai1QdFlnam1VaEJlbDMxaUVsMmhwQ2hZZ0Nmckwxc3BOeG55Vm1paEEtMk83NlVNRnhGa00tUjVLanAxdlJ0XzFmak9SUy02aWxJOA==";
    assert_eq!(base64_decode(encoded).unwrap(), OPENAI.as_bytes());
    let text = format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  OPENAI_API_KEY: {encoded}\n  DB_PASSWORD: cGFzc3dvcmQ=\n");
    let findings = lint("deploy/secret.yaml", &text);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "hardcoded OpenAI API key (base64-encoded) `sk-proj-…REDACTED` in `OPENAI_API_KEY`"
    );
    assert!(!findings[0].source.text.contains(encoded));
}
