//! Receivers that make HTTP requests rather than register routes:
//! `axios.delete('/x')`, `client.post(url, body)`, `request(app).get('/x')`.

/// Receiver names (lower-case) of HTTP clients.
pub const HTTP_CLIENTS: &[&str] = &[
    "axios",
    "api",
    "http",
    "client",
    "ky",
    "got",
    "request",
    "fetch",
    "supertest",
    "agent",
    "$fetch",
    "ofetch",
    "httpclient",
    "apiclient",
];

/// Whether a receiver name (any case) is an HTTP client's.
pub fn is_http_client(name: &str) -> bool {
    HTTP_CLIENTS.contains(&name.to_ascii_lowercase().as_str())
}
