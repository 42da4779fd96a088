use super::*;
use crate::rules::Kind;

const RULE: &str = "credential-in-log";

/// `flagged text => message name` for each finding in one file.
/// Every leaked value, the finding's own and those its call also leaks.
fn flagged(path: &str, text: &str) -> Vec<String> {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for f in crate::rules::lint_with_only(RULE, &[(path, text)]) {
        spans.push(f.span.clone());
        spans.extend(f.labels.iter().map(|l| l.span.clone()));
    }
    spans.sort_by_key(|s| s.start);
    spans.dedup();
    spans.into_iter().map(|s| text[s].to_string()).collect()
}

fn messages(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only(RULE, &[(path, text)])
        .into_iter()
        .map(|f| f.message)
        .collect()
}

fn default_names() -> SensitiveNames {
    SensitiveNames::new(
        &[
            "token",
            "secret",
            "password",
            "credentials",
            "apiKey",
            "secretKey",
            "privateKey",
        ]
        .map(String::from),
    )
    .unwrap()
}

#[test]
fn identifiers_split_into_words() {
    assert_eq!(words("accessToken"), ["access", "token"]);
    assert_eq!(words("refresh_token"), ["refresh", "token"]);
    assert_eq!(words("OPENAI_API_KEY"), ["openai", "api", "key"]);
    assert_eq!(words("APIKey"), ["api", "key"]);
    assert_eq!(words("_clientSecret"), ["client", "secret"]);
    assert_eq!(words("#token"), ["token"]);
    assert_eq!(words("token2"), ["token"]);
    assert_eq!(words("oauth2Token"), ["oauth2", "token"]);
}

#[test]
fn names_match_on_last_words() {
    let names = default_names();
    for yes in [
        "token",
        "accessToken",
        "refresh_token",
        "GITHUB_TOKEN",
        "clientSecret",
        "client_secret",
        "apiKey",
        "api_key",
        "apikey",
        "OPENAI_API_KEY",
        "stripeSecretKey",
        "AWS_SECRET_ACCESS_KEY_SECRET",
        "credentials",
        "newPassword",
        "PRIVATE_KEY",
        "_token",
        "idToken",
        "resetToken",
    ] {
        assert!(names.is_match(yes), "{yes}");
    }
    for no in [
        "tokens",
        "totalTokens",
        "maxTokens",
        "tokenCount",
        "token_type",
        "tokenExpiresAt",
        "hasToken",
        "isTokenValid",
        "getToken",
        "validateApiKey",
        "maskedToken",
        "redacted_secret",
        "hashedPassword",
        "passwordHash",
        "nextPageToken",
        "next_page_token",
        "csrfToken",
        "NEXT_PUBLIC_API_KEY",
        "publishableKey",
        "secretName",
        "credentialsPath",
        "private_key_id",
        "showPassword",
        "key",
        "tokenizer",
        "",
    ] {
        assert!(!names.is_match(no), "{no}");
    }
}

#[test]
fn logger_patterns() {
    let loggers = Loggers::new(
        &[
            "console.*",
            "logger.*",
            "*.logger.*",
            "*.log.*",
            "print",
            "tracing::*!",
            "info!",
        ]
        .map(String::from),
    )
    .unwrap();
    for yes in [
        "console.log",
        "logger.info",
        "this.logger.warn",
        "this._logger.debug",
        "this.#logger.error",
        "self._logger.info",
        "LOGGER.info",
        "request.log.info",
        "logger.child().info",
        "print",
        "tracing::info!",
        "tracing::info_span!",
        "info!",
    ] {
        assert!(loggers.is_match(yes), "{yes}");
    }
    for no in [
        "Math.log",
        "blog.post",
        "changelog.push",
        "printf",
        "pprint",
        "info",
        "log::info!",
        "console",
        "dialog.open",
    ] {
        assert!(!loggers.is_match(no), "{no}");
    }
    assert_eq!(
        loggers.literals(),
        ["log", "info", "print", "console", "tracing"]
    );
}

#[test]
fn prefilter_literals() {
    assert_eq!(
        default_names().literals(),
        [
            "token",
            "secret",
            "apikey",
            "api_key",
            "password",
            "privatekey",
            "credentials",
            "private_key"
        ]
    );
}

#[test]
fn options_are_validated() {
    let compile = |text: &str| {
        SensitiveLogArgument
            .compile(&toml::from_str(text).unwrap())
            .err()
            .and_then(|e| e.option)
    };
    assert_eq!(
        compile("loggers = []\nnames = ['token']").as_deref(),
        Some("loggers")
    );
    assert_eq!(
        compile("loggers = ['*']\nnames = ['token']").as_deref(),
        Some("loggers")
    );
    assert_eq!(
        compile("loggers = ['console log']\nnames = ['token']").as_deref(),
        Some("loggers")
    );
    assert_eq!(
        compile("loggers = ['print']\nnames = []").as_deref(),
        Some("names")
    );
    assert_eq!(
        compile("loggers = ['print']\nnames = ['api-key']").as_deref(),
        Some("names")
    );
    assert_eq!(
        compile("loggers = ['print']\nnames = ['___']").as_deref(),
        Some("names")
    );
    assert_eq!(
        compile("loggers = ['print']\nnames = ['token']\nextra = 1").as_deref(),
        Some("extra")
    );
    assert!(compile("loggers = ['print', 'log::*!']\nnames = ['token']").is_none());
}

#[test]
fn message_names_the_value_and_the_logger() {
    assert_eq!(
        messages("a.ts", "console.log('t', accessToken);"),
        ["`accessToken` is passed to `console.log`; secrets must not be logged"]
    );
    assert_eq!(
        messages("a.py", "logging.getLogger(__name__).info('%s', settings.api_key)"),
        ["`settings.api_key` is passed to `logging.getLogger(__name__).info`; secrets must not be logged"]
    );
}

#[test]
fn js_values_reaching_the_logger() {
    let src = r#"
console.log(accessToken);
console.log(`token=${token}`);
console.log('a', { refreshToken, other: 1 });
console.log({ token: user.apiKey });
console.log({ ...credentials });
console.log([clientSecret]);
console.log('x' + session.access_token);
console.log(token || 'none', fallbackSecret ?? 'none');
console.log(ready ? token : 'none');
console.log(JSON.stringify(credentials));
console.log(String(password), secret.toString());
console.log(params.get('token'), data['refresh_token'], process.env.GITHUB_TOKEN);
console.log(this.#secret, this.apiKey!, (token as string));
console.log(token?.value, cookies.sessionToken.value, input.value, tokens.value);
logger.child({ token }).info('bound');
this.logger?.info(token);
req.log.warn(token);
logging.getLogger().info(token);
"#;
    assert_eq!(
        flagged("a.ts", src),
        [
            "accessToken",
            "token",
            "refreshToken",
            "apiKey",
            "credentials",
            "clientSecret",
            "access_token",
            "token",
            "fallbackSecret",
            "token",
            "credentials",
            "password",
            "secret",
            "'token'",
            "'refresh_token'",
            "GITHUB_TOKEN",
            "#secret",
            "apiKey",
            "token",
            "token",
            "sessionToken",
            "token",
            "token",
            "token",
            "token",
        ]
    );
}

#[test]
fn js_values_that_do_not_reach_the_logger() {
    let src = r#"
console.log('token refreshed', "secret", `password reset for ${user}`);
console.log(token.length, token?.length, !!token, !token, typeof token);
console.log(token ? 'set' : 'missing', token && 'set', token === other, token != null);
console.log(mask(token), redact(apiKey), token.slice(0, 4), hash(secret), token.substring(2));
console.log({ hasToken: Boolean(token), tokenLength: token.length, token: '[REDACTED]' });
console.log(tokens, totalTokens, tokenCount, data.token_type, tokenExpiresAt);
console.assert(token, 'token missing');
console.log(tokens[0], params.get(name), data[key]);
fetch(url, { headers: { Authorization: `Bearer ${token}` } });
res.json({ accessToken });
Math.log(token);
notify.log(token);
"#;
    assert!(
        flagged("a.ts", src).is_empty(),
        "{:?}",
        flagged("a.ts", src)
    );
}

#[test]
fn python_values_reaching_the_logger() {
    let src = r#"
print(token)
print(f"token={token!r} key={settings.api_key}")
logger.info("key %s", api_key)
logger.info("key %s" % client_secret)
logger.info("key %s" % (client_secret,))
log.info("refreshed", refresh_token=refresh_token)
logger.debug("cb", extra={"token": tokens["access_token"]})
print("a" + password)
print(token or "none")
print(token if ready else "none")
print(str(secret), repr(credentials), json.dumps(credentials))
print(os.getenv("OPENAI_API_KEY"), os.environ.get("GITHUB_TOKEN"), os.environ["STRIPE_SECRET_KEY"])
print("key {}".format(api_key))
self.logger.warning("x %s", self._client_secret)
logging.getLogger(__name__).info(token)
pprint(credentials)
sys.stderr.write(token)
logger.info("key %s", settings.openai_api_key.get_secret_value())
"#;
    assert_eq!(
        flagged("a.py", src),
        [
            "token",
            "token",
            "api_key",
            "api_key",
            "client_secret",
            "client_secret",
            "refresh_token",
            "\"access_token\"",
            "password",
            "token",
            "token",
            "secret",
            "credentials",
            "credentials",
            "\"OPENAI_API_KEY\"",
            "\"GITHUB_TOKEN\"",
            "\"STRIPE_SECRET_KEY\"",
            "api_key",
            "_client_secret",
            "token",
            "credentials",
            "token",
            "openai_api_key",
        ]
    );
}

#[test]
fn python_values_that_do_not_reach_the_logger() {
    let src = r#"
print("token refreshed", "Using API key from env")
print(len(token), token[:4], bool(token), not token, token is None, token == other)
print("set" if token else "missing", token and "set")
logger.info("key: %s", redact(api_key))
logger.info("hash %s", hashlib.sha256(secret.encode()).hexdigest())
print(tokens, token_type, max_tokens, next_page_token, credentials_path)
logger.warning("Missing %s", "OPENAI_API_KEY")
print(f"{len(token)} chars")
requests.post(url, data={"refresh_token": refresh_token})
store.save(api_key=api_key)
"#;
    assert!(
        flagged("a.py", src).is_empty(),
        "{:?}",
        flagged("a.py", src)
    );
}

#[test]
fn rust_values_reaching_the_logger() {
    let src = r#"
fn f(token: &str, cfg: &Config) {
println!("token {token}");
println!("token {token:?} {}", cfg.api_key);
println!("{t}", t = token);
eprintln!("{}", format!("{}", cfg.client_secret));
dbg!(&cfg.password);
info!(token, "bare field");
info!(%token, ?cfg.credentials);
tracing::info!(token = %token, user = %cfg.user, "authorized");
tracing::warn!(target: "auth", secret = ?cfg.secret.expose_secret(), "x");
log::debug!("key {}", cfg.api_key.clone());
error!("env {}", std::env::var("GITHUB_TOKEN").unwrap());
info!(logger, "x"; "token" => token);
}
"#;
    assert_eq!(
        flagged("a.rs", src),
        [
            "token",
            "token",
            "api_key",
            "token",
            "client_secret",
            "password",
            "token",
            "token",
            "credentials",
            "token",
            "secret",
            "api_key",
            "\"GITHUB_TOKEN\"",
            "token",
        ]
    );
}

#[test]
fn rust_values_that_do_not_reach_the_logger() {
    let src = r#"
fn f(token: Option<&str>, cfg: &Config) {
println!("token refreshed");
println!("{{token}} is escaped");
println!("{}", cfg.api_key.len());
info!(has_token = token.is_some(), "state");
info!(token = "[redacted]", "refreshed");
info!("{}", token == other);
let url = format!("https://x/?token={token}");
assert!(token.is_some(), "{token:?}");
tracing::info!(tokens = cfg.tokens.len(), max_tokens = cfg.max_tokens, "usage");
my_log!(token);
}
"#;
    assert!(
        flagged("a.rs", src).is_empty(),
        "{:?}",
        flagged("a.rs", src)
    );
}

#[test]
fn a_bare_token_in_lexing_code_is_text() {
    let nlp = "tokens = tokenizer.tokenize(text)\nfor token in tokens:\n    print(token)\nprint(api_token)\n";
    assert_eq!(flagged("nlp.py", nlp), ["api_token"]);
    let lexer = "const lexer = new Lexer(src);\nfor (const token of lexer) console.log(token);\n";
    assert!(flagged("lex.ts", lexer).is_empty());
}

#[test]
fn a_string_mentioning_the_word_is_not_enough() {
    assert!(flagged("a.js", "console.log('token')").is_empty());
    assert!(flagged("a.py", "print('password')").is_empty());
}
