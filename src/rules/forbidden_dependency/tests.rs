use super::*;

fn entry(e: &str) -> HostPath {
    HostPath::parse(e).unwrap()
}

fn matched<'v>(e: &str, value: &'v str) -> Option<&'v str> {
    entry(e).find(value).map(|m| &value[m.start..m.prefix_end])
}

#[test]
fn host_entries_parse_and_validate() {
    let e = entry("www.googleapis.com/drive/");
    assert_eq!(
        (e.host.as_str(), e.path.as_str()),
        ("www.googleapis.com", "/drive")
    );
    let e = entry("https://Gmail.GoogleAPIs.com");
    assert_eq!(
        (e.host.as_str(), e.path.as_str()),
        ("gmail.googleapis.com", "")
    );
    assert!(HostPath::parse("gmail").is_err());
    assert!(HostPath::parse("").is_err());
    assert!(HostPath::parse("a b.com").is_err());
    assert!(HostPath::parse(".googleapis.com").is_err());
}

#[test]
fn hosts_match_urls_at_boundaries() {
    let gmail = "gmail.googleapis.com";
    assert_eq!(
        matched(
            gmail,
            "https://gmail.googleapis.com/gmail/v1/users/me/messages"
        ),
        Some("https://gmail.googleapis.com")
    );
    assert_eq!(
        matched(gmail, "HTTPS://GMAIL.googleapis.com"),
        Some("HTTPS://GMAIL.googleapis.com")
    );
    assert_eq!(
        matched(gmail, "gmail.googleapis.com"),
        Some("gmail.googleapis.com")
    );
    assert_eq!(
        matched(gmail, "gmail.googleapis.com/gmail/v1"),
        Some("gmail.googleapis.com")
    );
    assert_eq!(
        matched("googleads.googleapis.com", "googleads.googleapis.com:443"),
        Some("googleads.googleapis.com:443")
    );
    assert_eq!(
        matched(gmail, "//gmail.googleapis.com/x"),
        Some("//gmail.googleapis.com")
    );
    assert_eq!(
        matched(gmail, "GET https://gmail.googleapis.com/x failed"),
        Some("https://gmail.googleapis.com")
    );
    assert_eq!(
        matched(gmail, "https://gmail.googleapis.com\u{1a}"),
        Some("https://gmail.googleapis.com")
    );
    assert!(matched(gmail, "calling gmail.googleapis.com now").is_none());
    assert!(matched(gmail, "gmail.googleapis.com is down").is_none());
    assert!(matched(gmail, "https://gmail.googleapis.com.evil.dev/x").is_none());
    assert!(matched(gmail, "https://xgmail.googleapis.com/x").is_none());
    assert!(matched(gmail, "https://gmail.googleapis.community").is_none());
    assert!(matched(gmail, "see docs/gmail.googleapis.com").is_none());
}

#[test]
fn path_prefixes_match_whole_segments() {
    let drive = "www.googleapis.com/drive";
    assert_eq!(
        matched(drive, "https://www.googleapis.com/drive/v3/files"),
        Some("https://www.googleapis.com/drive")
    );
    assert_eq!(
        matched(drive, "https://www.googleapis.com/drive?x=1"),
        Some("https://www.googleapis.com/drive")
    );
    assert_eq!(
        matched(drive, "https://www.googleapis.com/upload/drive/v3/files"),
        Some("https://www.googleapis.com/upload/drive")
    );
    assert_eq!(
        matched(drive, "www.googleapis.com/drive/v3"),
        Some("www.googleapis.com/drive")
    );
    assert!(matched(drive, "https://www.googleapis.com/driveway").is_none());
    assert!(matched(drive, "https://www.googleapis.com/oauth2/v3/userinfo").is_none());
    assert!(matched(drive, "https://www.googleapis.com/auth/drive.file").is_none());
    assert!(matched(drive, "https://www.googleapis.com/\u{1a}/drive").is_none());
    assert!(matched(drive, "https://www.googleapis.com").is_none());
}

#[test]
fn path_end_stops_at_query_and_substitution() {
    let e = entry("accounts.google.com/o/oauth2");
    let v = "https://accounts.google.com/o/oauth2/v2/auth?client_id=1";
    let m = e.find(v).unwrap();
    assert_eq!(
        &v[m.start..m.path_end],
        "https://accounts.google.com/o/oauth2/v2/auth"
    );
    let v = "see https://accounts.google.com/o/oauth2/auth.";
    let m = e.find(v).unwrap();
    assert_eq!(
        &v[m.start..m.path_end],
        "https://accounts.google.com/o/oauth2/auth"
    );
}

fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("provider-call-bypasses-gateway", &[(path, text)])
        .iter()
        .map(|f| text[f.span.clone()].to_string())
        .collect()
}

/// Each line linted as a file of its own: one import form per file.
fn flagged_per_line(path: &str, text: &str) -> Vec<String> {
    text.lines().flat_map(|line| flagged(path, line)).collect()
}

#[test]
fn one_finding_per_dependency_per_file() {
    let py = "import googleapiclient\n\
              from googleapiclient import discovery\n\
              from googleapiclient.errors import HttpError\n";
    assert_eq!(flagged("worker.py", py), vec!["googleapiclient"]);
    let ts = "import { google } from 'googleapis';\n\
              import { drive_v3 } from 'googleapis/build/src/apis/drive';\n\
              import { OAuth2Client } from 'google-auth-library';\n";
    assert_eq!(
        flagged("a.ts", ts),
        vec!["googleapis", "google-auth-library"]
    );
}

#[test]
fn tests_and_docs_examples_are_not_read() {
    let src = "import { google } from 'googleapis';\n";
    assert!(flagged("src/__tests__/sheets.test.ts", src).is_empty());
    assert!(flagged("docs/examples/sheets.ts", src).is_empty());
    assert_eq!(flagged("src/sheets.ts", src), vec!["googleapis"]);
}

#[test]
fn js_imports() {
    let src = "import { google } from 'googleapis';\n\
               import 'googleapis/build/src/apis/drive';\n\
               import * as gal from \"google-auth-library\";\n\
               import drive from '@googleapis/drive';\n\
               export * from 'googleapis';\n\
               const { google: g } = require(`googleapis`);\n\
               const m = await import('googleapis');\n\
               import type { gmail_v1 } from 'googleapis';\n\
               import { type drive_v3 } from 'googleapis';\n\
               import typeof T from 'googleapis';\n\
               export type { calendar_v3 } from 'googleapis';\n\
               let t: typeof import('googleapis');\n\
               import x from 'googleapis-common';\n\
               import y from '@google-cloud/storage';\n\
               import z from './googleapis';\n\
               jest.mock('googleapis');\n\
               declare module 'googleapis' {}\n";
    assert_eq!(
        flagged_per_line("a.ts", src),
        vec![
            "googleapis",
            "googleapis/build/src/apis/drive",
            "google-auth-library",
            "@googleapis/drive",
            "googleapis",
            "googleapis",
            "googleapis",
        ]
    );
}

#[test]
fn python_imports() {
    let src = "import googleapiclient\n\
               import os, googleapiclient.discovery as d\n\
               from googleapiclient.http import MediaFileUpload\n\
               mod = importlib.import_module(\"googleapiclient.discovery\")\n\
               from google.oauth2 import credentials\n\
               from .googleapiclient import build\n\
               import googleapiclient_stub\n";
    assert_eq!(
        flagged_per_line("a.py", src),
        vec![
            "googleapiclient",
            "googleapiclient.discovery",
            "googleapiclient.http",
            "googleapiclient.discovery",
        ]
    );
    let typing_only =
        "if typing.TYPE_CHECKING:\n    from googleapiclient.discovery import Resource\n\
                       else:\n    from googleapiclient.discovery import build\n";
    assert_eq!(
        flagged("a.py", typing_only),
        vec!["googleapiclient.discovery"]
    );
}

#[test]
fn literals_in_code_only() {
    let src = "'use server';\n\
               // fetch('https://gmail.googleapis.com/x')\n\
               const a = 'https://gmail.googleapis.com/gmail/v1/users/me/profile';\n\
               const b = 'https://www.googleapis.com' + '/drive/v3/files';\n\
               const c = `https://www.googleapis.com/${api}/v3`;\n\
               const d = 'https://www.googleapis.com/auth/drive';\n\
               const e = 'calling gmail.googleapis.com directly is forbidden';\n\
               https.request({ hostname: 'gmail.googleapis.com', path: '/gmail/v1/users/me/messages' });\n";
    assert_eq!(
        flagged("a.ts", src),
        vec![
            "https://gmail.googleapis.com",
            "https://www.googleapis.com' + '/drive",
            "gmail.googleapis.com",
        ]
    );
    let py = "\"\"\"Calls https://gmail.googleapis.com/gmail/v1 through the gateway.\"\"\"\n\
              URL = \"https://gmail.googleapis.com/gmail/v1/users/\" + user + \"/messages\"\n";
    assert_eq!(flagged("a.py", py), vec!["https://gmail.googleapis.com"]);
}

#[test]
fn options_are_validated() {
    use crate::rules::Kind;
    let compile = |text: &str| ForbiddenDependency.compile(&toml::from_str(text).unwrap());
    let option = |text: &str| compile(text).err().unwrap().option;
    assert_eq!(option("hosts = []").as_deref(), Some("hosts"));
    assert_eq!(option("hosts = ['not a host']").as_deref(), Some("hosts"));
    assert_eq!(
        option("modules = ['bad module']").as_deref(),
        Some("modules")
    );
    assert_eq!(
        option("modules = ['x']\nallow = ['[']").as_deref(),
        Some("allow")
    );
    let check = compile("modules = ['openai']").ok().unwrap();
    assert_eq!(check.literals(), vec!["openai"]);
}
