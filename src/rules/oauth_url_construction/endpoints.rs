//! Where an authorize endpoint or an authorize request parameter sits in
//! a string value.

use std::ops::Range;

use super::data::{NOT_AUTHORIZE, OWN_BASES};
use crate::facts::urls::HostPath;
use crate::lang::SUBSTITUTION;

/// An authorize endpoint of the `endpoints` option.
pub(super) enum Endpoint {
    Url(HostPath),
    /// Lower case, with a leading `/` and no trailing one.
    Path(String),
}

impl Endpoint {
    /// An entry of `endpoints`: `host/path-prefix`, or a `/path` found
    /// inside a URL.
    pub(super) fn parse(entry: &str) -> Result<Endpoint, String> {
        let entry = entry.trim();
        let Some(path) = entry.strip_prefix('/') else {
            return HostPath::parse(entry).map(Endpoint::Url);
        };
        let path = path.trim_end_matches('/');
        if path.len() < 3
            || path
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b"?#\"'`".contains(&b))
        {
            return Err(format!(
                "`{entry}` is not an endpoint path (e.g. `/oauth/authorize`)"
            ));
        }
        Ok(Endpoint::Path(format!("/{}", path.to_ascii_lowercase())))
    }
}

/// The first authorize endpoint in `value`: its range (scheme to end of
/// path) and its text for the message. `lead` is the source of the
/// expression the value starts with, if any.
pub(super) fn first_endpoint(
    endpoints: &[Endpoint],
    value: &str,
    lead: Option<&str>,
) -> Option<(Range<usize>, String)> {
    let mut best: Option<Range<usize>> = None;
    for endpoint in endpoints {
        let found = match endpoint {
            Endpoint::Url(host) => host.find(value).and_then(|m| {
                authorize_path(crate::source::slice(value, m.prefix_end..m.path_end))
                    .then_some(m.start..m.path_end)
            }),
            Endpoint::Path(path) => find_path_endpoint(value, path, lead),
        };
        if let Some(found) = found {
            if best.as_ref().is_none_or(|b| found.start < b.start) {
                best = Some(found);
            }
        }
    }
    best.map(|range| {
        let shown = crate::source::slice(value, range.clone()).replace(SUBSTITUTION, "…");
        (range, shown)
    })
}

/// The paths of the URLs in a string value, and the value itself when it
/// is an app-relative path (after an interpolated origin, if any).
pub(super) fn url_paths(value: &str) -> Vec<&str> {
    let path_at = |start: usize| {
        let rest = crate::source::slice(value, start..);
        let len = rest
            .bytes()
            .take_while(|&b| !(ends_token(b) || b"?#".contains(&b) || b == SUBSTITUTION as u8))
            .count();
        crate::source::slice(rest, ..len)
    };
    let mut paths = Vec::new();
    let relative = value.trim_start_matches(SUBSTITUTION);
    if relative.starts_with('/') && !relative.starts_with("//") {
        paths.push(path_at(value.len() - relative.len()));
    }
    let mut from = 0;
    while let Some(found) = crate::source::slice(value, from..).find("://") {
        let host_start = from + found + 3;
        from = host_start;
        let host_len = crate::source::slice(value, host_start..)
            .bytes()
            .take_while(|&b| !(ends_token(b) || b"/?#".contains(&b)))
            .count();
        let path_start = host_start + host_len;
        if crate::source::slice(value, path_start..).starts_with('/') {
            paths.push(path_at(path_start));
        }
    }
    paths.retain(|p| p.len() > 1);
    paths
}

/// Whether a `response_type` value names OAuth response types.
pub(super) fn is_oauth_response_type(value: &str) -> bool {
    let mut words = value
        .split(|c: char| c.is_whitespace() || c == '+')
        .flat_map(|w| w.split("%20"))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|w| {
            let w = w.to_ascii_lowercase();
            w == "code" || w == "token" || w == "id_token"
        })
}

/// Bytes that end a URL or query text inside a string.
fn ends_token(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"'`<>\\()".contains(&b)
}

/// Whether the path after a matched endpoint prefix is still the authorize
/// endpoint (not `…/token`, `…/revoke`, a `…/callback` route, …).
fn authorize_path(rest: &str) -> bool {
    !rest.split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase();
        NOT_AUTHORIZE.contains(&segment.as_str()) || segment.contains("callback")
    })
}

/// A `/path` endpoint inside a URL in `value`: the URL's range, from its
/// start to the end of its path.
fn find_path_endpoint(value: &str, path: &str, lead: Option<&str>) -> Option<Range<usize>> {
    let lower = value.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(found) = crate::source::slice(&lower, from..).find(path) {
        let start = from + found;
        let end = start + path.len();
        from = start + 1;
        let boundary = bytes
            .get(end)
            .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b"-_.%".contains(&b)));
        if !boundary {
            continue;
        }
        let token_start = crate::source::slice(&lower, ..start)
            .bytes()
            .rposition(ends_token)
            .map_or(0, |i| i + 1);
        let before = crate::source::slice(&lower, token_start..start);
        let url_start = match before.find("://") {
            Some(colon) => {
                // Back up from `://` over the scheme only.
                let scheme = crate::source::slice(before, ..colon)
                    .bytes()
                    .rev()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                    .count();
                token_start + colon - scheme
            }
            None => token_start,
        };
        let prefix = crate::source::slice(&lower, url_start..start);
        let first_segment = prefix
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("");
        let in_url = prefix.contains("://")
            || prefix.starts_with("//")
            || prefix.starts_with(SUBSTITUTION)
            || is_host_like(first_segment);
        if !in_url {
            continue;
        }
        // `${GATEWAY_URL}/oauth/authorize`, `${origin}/api/oauth/authorize`:
        // the gateway's flow, or a route of the app itself.
        let own_base = prefix.starts_with(SUBSTITUTION)
            && (prefix.split('/').any(|segment| segment == "api")
                || (url_start == 0
                    && lead.is_some_and(|l| {
                        let l = l.to_ascii_lowercase().replace(['_', '-'], "");
                        OWN_BASES.iter().any(|w| l.contains(w))
                    })));
        if prefix.contains("gateway") || own_base {
            continue;
        }
        let path_end = end
            + crate::source::slice(&lower, end..)
                .bytes()
                .take_while(|&b| {
                    !ends_token(b) && b != b'?' && b != b'#' && b != SUBSTITUTION as u8
                })
                .count();
        if !authorize_path(crate::source::slice(&lower, end..path_end)) {
            continue;
        }
        return Some(url_start..path_end);
    }
    None
}

/// `github.com`, `login.microsoftonline.com:443`: a host name.
fn is_host_like(segment: &str) -> bool {
    let host = segment.split(':').next().unwrap_or(segment);
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && host
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()) && tld.len() >= 2)
}

/// `response_type=<oauth type>` in a query string: the parameter's range
/// and its value.
pub(super) fn find_response_type_param(value: &str) -> Option<(Range<usize>, String)> {
    let lower = value.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = crate::source::slice(&lower, from..).find("response_type=") {
        let start = from + found;
        from = start + 1;
        let boundary = start == 0
            || matches!(lower.as_bytes()[start - 1], b'?' | b'&' | b';')
            || lower.as_bytes()[start - 1] == SUBSTITUTION as u8;
        if !boundary {
            continue;
        }
        let value_start = start + "response_type=".len();
        let value_len = crate::source::slice(&lower, value_start..)
            .bytes()
            .take_while(|&b| {
                !(b"&#\"'`;,".contains(&b) || b.is_ascii_whitespace() || b == SUBSTITUTION as u8)
            })
            .count();
        let raw = crate::source::slice(value, value_start..value_start + value_len);
        if is_oauth_response_type(raw) {
            let shown = raw.replace("%20", " ").replace('+', " ");
            return Some((start..value_start + value_len, shown));
        }
    }
    None
}
