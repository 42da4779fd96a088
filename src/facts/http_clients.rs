//! Receivers that make HTTP requests rather than register routes:
//! `axios.delete('/x')`, `client.post(url, body)`, `request(app).get('/x')`.
//! One list for every rule kind that tells a request from a route.

/// Receivers (lower-case) of HTTP clients: a root name, or a whole
/// receiver such as `this.http`.
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
    "https",
    "superagent",
    "$http",
    "api_client",
    "this.http",
    "this.client",
];

/// Whether a receiver name (any case) is an HTTP client's.
pub fn is_http_client(name: &str) -> bool {
    HTTP_CLIENTS.contains(&name.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    fn flagged(rule: &str, path: &str, text: &str) -> usize {
        crate::rules::lint_with_only(rule, &[(path, text)]).len()
    }

    #[test]
    fn a_client_request_with_a_config_variable_is_no_callback_route() {
        let client = "import axios from 'axios';\n\
                      const api = axios.create({ baseURL: '/api' });\n\
                      const config = { params: { code: 'x' } };\n\
                      export const finish = () => api.get('/api/oauth/callback', config);\n";
        assert_eq!(flagged("dead-oauth-callback", "src/client.ts", client), 0);
        let router = client.replace("api.get(", "router.get(");
        assert_eq!(flagged("dead-oauth-callback", "src/client.ts", &router), 1);
    }

    #[test]
    fn a_node_https_request_is_no_disconnect_route() {
        let src = "async function dropIntegration(req, res) {\n\
                   \x20 await db.oauthTokens.deleteMany({ where: { id: req.params.id } });\n\
                   }\n\
                   https.delete('/integrations/:id', dropIntegration);\n";
        let rule = "connector-disconnect-without-revoke";
        assert_eq!(flagged(rule, "src/disconnect.js", src), 0);
        let router = src.replace("https.delete(", "router.delete(");
        assert_eq!(flagged(rule, "src/disconnect.js", &router), 1);
    }
}
