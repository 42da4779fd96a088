use super::*;
use crate::facts::urls::HostPath;

fn endpoints() -> OauthUrlCheck {
    OauthUrlCheck {
        enabled: true,
        allow: GlobSet::empty(),
        skip_roles: SkipRoles::default(),
        endpoints: vec![
            Endpoint::Url(HostPath::parse("accounts.google.com/o/oauth2").unwrap()),
            Endpoint::Path("/oauth/authorize".into()),
            Endpoint::Path("/oauth2/v2/auth".into()),
        ],
        functions: vec!["generateAuthUrl".into()],
    }
}

fn endpoint(value: &str) -> Option<String> {
    endpoints()
        .find_endpoint(value, None)
        .map(|(_, shown)| shown)
}

#[test]
fn authorize_endpoints_in_urls() {
    assert_eq!(
        endpoint("https://accounts.google.com/o/oauth2/v2/auth?client_id=1").as_deref(),
        Some("https://accounts.google.com/o/oauth2/v2/auth")
    );
    assert_eq!(
        endpoint("https://github.com/login/oauth/authorize?scope=repo").as_deref(),
        Some("https://github.com/login/oauth/authorize")
    );
    assert_eq!(
        endpoint("github.com/login/oauth/authorize").as_deref(),
        Some("github.com/login/oauth/authorize")
    );
    assert_eq!(
        endpoint("\u{1a}/oauth/authorize?client_id=\u{1a}").as_deref(),
        Some("…/oauth/authorize")
    );
    assert_eq!(
        endpoint("Location: https://example.com/oauth2/v2/auth").as_deref(),
        Some("https://example.com/oauth2/v2/auth")
    );
    assert!(endpoint("https://accounts.google.com/o/oauth2/token").is_none());
    assert!(endpoint("https://accounts.google.com/o/oauth2/revoke?token=x").is_none());
    assert!(endpoint("https://oauth2.googleapis.com/token").is_none());
    assert!(endpoint("/oauth/authorize").is_none());
    assert!(endpoint("/api/integrations/oauth/authorize?provider=google").is_none());
    assert!(endpoint("https://app.example.com/oauth/authorized").is_none());
    assert!(endpoint("visit accounts.google.com/o/oauth2 to sign in").is_none());
    assert!(endpoint("https://gateway.example.dev/oauth/authorize").is_none());
    assert!(endpoints()
        .find_endpoint("\u{1a}/oauth/authorize", Some("process.env.GATEWAY_URL"))
        .is_none());
    assert!(endpoints()
        .find_endpoint("\u{1a}/oauth/authorize", Some("request.nextUrl.origin"))
        .is_none());
    assert!(endpoints()
        .find_endpoint("\u{1a}/api/integrations/oauth/authorize", Some("base"))
        .is_none());
    assert!(endpoints()
        .find_endpoint("\u{1a}/oauth/authorize", Some("config.NEXT_PUBLIC_APP_URL"))
        .is_none());
    assert_eq!(
        endpoints()
            .find_endpoint("\u{1a}/oauth/authorize", Some("PROVIDER_BASE"))
            .map(|(_, shown)| shown)
            .as_deref(),
        Some("…/oauth/authorize")
    );
    assert!(endpoint("https://app.example.com/oauth/authorize/callback").is_none());
}

#[test]
fn paths_of_urls() {
    assert_eq!(
        url_paths("\u{1a}/api/oauth/twitch/callback?x=1"),
        vec!["/api/oauth/twitch/callback"]
    );
    assert_eq!(
        url_paths("redirect to https://app.dev/oauth/twitch/callback and http://x.dev"),
        vec!["/oauth/twitch/callback"]
    );
    assert!(url_paths("twitch").is_empty());
    assert!(url_paths("/").is_empty());
}

#[test]
fn response_type_parameters() {
    let found = |v: &str| find_response_type_param(v).map(|(r, shown)| (v[r].to_string(), shown));
    assert_eq!(
        found("?client_id=1&response_type=code&scope=x"),
        Some(("response_type=code".into(), "code".into()))
    );
    assert_eq!(
        found("response_type=code%20id_token"),
        Some((
            "response_type=code%20id_token".into(),
            "code id_token".into()
        ))
    );
    assert_eq!(
        found("&response_type=token"),
        Some(("response_type=token".into(), "token".into()))
    );
    assert!(found("?response_type=json").is_none());
    assert!(found("?response_type=\u{1a}").is_none());
    assert!(found("the response_type=code parameter").is_none());
    assert!(found("response_type=code").is_some());
    assert!(found("x_response_type=code").is_none());
    assert!(is_oauth_response_type("code id_token"));
    assert!(!is_oauth_response_type(""));
    assert!(!is_oauth_response_type("codes"));
}

fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("app-oauth-url-generation", &[(path, text)])
        .iter()
        .map(|f| text[f.span.clone()].to_string())
        .collect()
}

#[test]
fn nested_constructions_are_one_finding() {
    let src = "const u = `https://accounts.google.com/o/oauth2/v2/auth?${new URLSearchParams({ response_type: 'code', client_id: id })}`;\n\
               const p = new URLSearchParams({ response_type: 'code', scope });\n\
               const a = oauth2Client.generateAuthUrl({ response_type: 'code', redirect_uri: r });\n";
    assert_eq!(
        flagged("a.ts", src),
        vec![
            "https://accounts.google.com/o/oauth2/v2/auth",
            "response_type: 'code'",
            "generateAuthUrl",
        ]
    );
}

#[test]
fn js_parameter_forms() {
    let src = "params.set('response_type', 'code');\n\
               url.searchParams.append(\"response_type\", 'token');\n\
               query['response_type'] = 'code';\n\
               const q = qs.stringify({ response_type: 'code' });\n\
               const s = new URLSearchParams([['response_type', 'code'], ['scope', s]]);\n\
               const o = { client_id, response_type: 'code' };\n\
               const n = { prompt: 'consent', access_type: 'offline', response_type: 'code' };\n\
               const j = new URLSearchParams({ response_type: 'json' });\n\
               headers.set('response_type', type);\n\
               if (params.get('response_type') !== 'code') throw new Error('x');\n";
    assert_eq!(
        flagged("a.ts", src),
        vec![
            "params.set('response_type', 'code')",
            "url.searchParams.append(\"response_type\", 'token')",
            "query['response_type'] = 'code'",
            "response_type: 'code'",
            "['response_type', 'code']",
            "response_type: 'code'",
        ]
    );
}

#[test]
fn python_parameter_forms() {
    let src = "q = urlencode({\"response_type\": \"code\", \"scope\": s})\n\
               p = {\"client_id\": cid, \"response_type\": \"code\"}\n\
               params[\"response_type\"] = \"code\"\n\
               u = urlencode([(\"response_type\", \"code\")])\n\
               d = urlencode(dict(response_type=\"code\", scope=s))\n\
               r = build_request(client_id=cid, response_type=\"code\")\n\
               x, state = flow.authorization_url(access_type=\"offline\")\n\
               n = {\"response_type\": \"code\", \"prompt\": \"consent\"}\n\
               \"\"\"Docs: https://accounts.google.com/o/oauth2/v2/auth?response_type=code\"\"\"\n";
    assert_eq!(
        flagged("a.py", src),
        vec![
            "\"response_type\": \"code\"",
            "\"response_type\": \"code\"",
            "params[\"response_type\"] = \"code\"",
            "(\"response_type\", \"code\")",
            "response_type=\"code\"",
            "response_type=\"code\"",
            "authorization_url",
        ]
    );
}

#[test]
fn options_are_validated() {
    use crate::rules::Kind;
    let compile = |text: &str| OauthUrlConstruction.compile(&toml::from_str(text).unwrap());
    let option = |text: &str| compile(text).err().unwrap().option;
    assert_eq!(option("owner = 'both'").as_deref(), Some("owner"));
    assert_eq!(
        option("owner = 'gateway'\nendpoints = ['/a b']").as_deref(),
        Some("endpoints")
    );
    assert_eq!(
        option("owner = 'gateway'\nendpoints = ['not a host/x']").as_deref(),
        Some("endpoints")
    );
    assert_eq!(
        option("owner = 'gateway'\nfunctions = ['a.b']").as_deref(),
        Some("functions")
    );
    assert_eq!(
        option("owner = 'gateway'\nallow = ['[']").as_deref(),
        Some("allow")
    );
    let check = compile(
        "owner = 'app'\nendpoints = ['id.twitch.tv/oauth2/authorize', '/oauth2/authorize/']",
    )
    .ok()
    .unwrap();
    assert_eq!(
        check.literals(),
        vec!["id.twitch.tv", "/oauth2/authorize", "response_type"]
    );
}
