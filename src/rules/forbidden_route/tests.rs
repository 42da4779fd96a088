use super::*;

fn check() -> RouteCheck {
    RouteCheck {
        app_owned: false,
        allow: build_globset(["**/oauth/twitch/**"]).unwrap(),
        paths: CallbackPaths {
            segments: vec!["integrations".into(), "integration".into()],
            allow: vec!["**/oauth/twitch/**".into()],
        },
    }
}

#[test]
fn classifies_callback_paths() {
    let c = check();
    assert!(c.is_callback_path("/api/oauth/google/callback"));
    assert!(c.is_callback_path("/oauth2callback"));
    assert!(c.is_callback_path("/integrations/[provider]/callback"));
    assert!(c.is_callback_path("/(oauth)/callback"));
    assert!(!c.is_callback_path("/auth/callback"));
    assert!(!c.is_callback_path("/webhooks/callback"));
    assert!(!c.is_callback_path("/api/oauth/google/start"));
    assert!(c.allowed("x.ts", "/api/oauth/twitch/callback"));
}
