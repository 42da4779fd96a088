//! Words of OAuth endpoints and authorize requests.

/// Path segments of OAuth endpoints that are not the authorize endpoint.
pub(super) const NOT_AUTHORIZE: &[&str] = &[
    "token",
    "revoke",
    "tokeninfo",
    "introspect",
    "userinfo",
    "certs",
    "jwks",
    "logout",
    "device",
    "devicecode",
];

/// Words in the leading expression of a URL that say the URL is on the
/// app itself or on the gateway, not on a provider.
pub(super) const OWN_BASES: &[&str] = &[
    "gateway",
    "origin",
    "appurl",
    "siteurl",
    "publicurl",
    "frontendurl",
];

/// Keys that only an authorize request's parameters carry together with
/// `response_type`.
pub(super) const AUTHORIZE_KEYS: &[&str] = &["client_id", "redirect_uri"];
