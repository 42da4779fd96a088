use std::ops::Range;

use super::*;
use crate::rules::lint_with_only;

fn hosts(value: &str) -> Vec<&str> {
    let names = HostNames::new(&["chi-gateway".to_string()]).unwrap();
    let found: Vec<Range<usize>> = names.find(value).into_iter().map(|m| m.token).collect();
    found.into_iter().map(|r| &value[r]).collect()
}

#[test]
fn matches_labels_not_substrings() {
    assert_eq!(
        hosts("https://chi-gateway.foo.workers.dev/x"),
        ["chi-gateway.foo.workers.dev"]
    );
    assert_eq!(
        hosts("https://api.chi-gateway.x.dev/health"),
        ["api.chi-gateway.x.dev"]
    );
    assert_eq!(
        hosts("chi-gateway-staging.x.dev"),
        ["chi-gateway-staging.x.dev"]
    );
    assert_eq!(hosts("chi-gateway"), ["chi-gateway"]);
    assert_eq!(hosts("http://chi-gateway:8787/v1"), ["chi-gateway"]);
    assert!(hosts("https://mychi-gateway.dev").is_empty());
    assert!(hosts("https://chi-gatewayx.dev").is_empty());
    assert!(hosts("migrated off the chi-gateway last week").is_empty());
    assert!(hosts("./chi-gateway.client").is_empty());
    assert!(hosts("@acme/chi-gateway-sdk").is_empty());
    assert!(hosts("This workspace still points at the retired chi-gateway.").is_empty());
    assert!(hosts("url.includes('.chi-gateway.')").is_empty());
    assert_eq!(
        hosts("see https://chi-gateway.x.dev."),
        ["chi-gateway.x.dev"]
    );
    assert!(hosts("chi-gateway-client").is_empty());
}

#[test]
fn origin_covers_scheme_and_port() {
    let names = HostNames::new(&["chi-gateway".to_string()]).unwrap();
    let value = "see https://chi-gateway.x.dev:8443/v1?q=1";
    let m = &names.find(value)[0];
    assert_eq!(
        &value[m.origin.clone().unwrap()],
        "https://chi-gateway.x.dev:8443"
    );
}

#[test]
fn lexical_rust_fallback_skips_comments() {
    let lits =
        crate::lang::rust::string_literals_lexically("// \"a\"\nlet x = \"b\\\"c\"; /* \"d\" */");
    let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
    assert_eq!(values, ["b\\\"c"]);
    // A char literal holding a quote does not open a string.
    let lits = crate::lang::rust::string_literals_lexically(
        "let q = '\"'; let e = '\\''; let u = \"https://chi-gateway.x.dev\";",
    );
    let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
    assert_eq!(values, ["https://chi-gateway.x.dev"]);
}

/// (line, message) of each finding of the built-in host rule.
fn gateway_findings(files: &[(&str, &str)]) -> Vec<(String, usize, String)> {
    lint_with_only("forbidden-gateway-host", files)
        .into_iter()
        .map(|f| {
            let line = f.source.text[..f.span.start].matches('\n').count() + 1;
            (f.path().to_string(), line, f.message.clone())
        })
        .collect()
}

#[test]
fn a_host_built_from_imported_constants_is_found_where_it_is_built() {
    let found = gateway_findings(&[
        (
            "packages/config/src/hosts.ts",
            "export const GATEWAY_LABEL = 'chi-gateway';\nexport const WORKERS = 'acme.workers.dev';\n",
        ),
        (
            "apps/web/src/send.ts",
            "import { GATEWAY_LABEL, WORKERS } from '../../../packages/config/src/hosts';\n\
             export const send = () => fetch(`https://${GATEWAY_LABEL}.${WORKERS}/v1/send`);\n",
        ),
    ]);
    // The label alone is a whole-value match where it is defined, and the
    // assembled host is reported where it is built.
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "apps/web/src/send.ts");
    assert!(
        found[0].2.contains("chi-gateway.acme.workers.dev"),
        "{found:?}"
    );
    assert_eq!(found[1].0, "packages/config/src/hosts.ts");
}

#[test]
fn concatenations_and_fstrings_of_constants_are_read() {
    let found = gateway_findings(&[
        (
            "svc/hosts.py",
            "GATEWAY = 'gateway.dev'\nPREFIX = 'chi'\n",
        ),
        (
            "svc/client.py",
            "from .hosts import GATEWAY, PREFIX\n\nURL = f\"https://{PREFIX}-{GATEWAY}/v1\"\nOTHER = \"https://\" + PREFIX + \"-\" + GATEWAY + \"/v2\"\n",
        ),
    ]);
    let lines: Vec<usize> = found.iter().map(|(_, line, _)| *line).collect();
    assert_eq!(lines, [3, 4], "{found:?}");
    assert!(found.iter().all(|(_, _, m)| m.contains("chi-gateway.dev")));
}

#[test]
fn constants_that_build_another_host_stay_quiet() {
    let found = gateway_findings(&[(
        "src/api.ts",
        "const LABEL = 'chi-gateway-docs';\nconst BASE = 'acme.dev';\n\
         const HOST = 'api';\n\
         export const a = `https://${HOST}.${BASE}/v1`;\n\
         export const b = `https://my${LABEL}.${BASE}`;\n\
         export const c = `https://${user.name}.${BASE}`;\n",
    )]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_host_built_from_this_files_constants_is_decided_here() {
    let found = gateway_findings(&[(
        "src/mail.ts",
        "const PREFIX = 'chi';\nconst DOMAIN = 'gateway.acme.dev';\n\
         export const send = () => fetch(`https://${PREFIX}-${DOMAIN}/v1/send`);\n",
    )]);
    let lines: Vec<usize> = found.iter().map(|(_, line, _)| *line).collect();
    assert_eq!(lines, [3], "{found:?}");
    assert!(found[0].2.contains("`chi-gateway.acme.dev`"), "{found:?}");
}
