//! Well-known credential formats: each provider's token prefixes, the
//! alphabet and length of what follows, and any further shape (Slack's
//! numbered parts, SendGrid's two dotted parts, a Supabase service-role
//! JWT), with the JWT and base64 decoding the shapes need.

/// The characters a format's body may use.
#[derive(Clone, Copy)]
pub enum Charset {
    /// `[A-Za-z0-9]`
    Alnum,
    /// `[A-Za-z0-9_-]`
    Token,
    /// `[A-Za-z0-9_.-]`
    Dotted,
    /// `[A-Z0-9]`
    Upper,
    /// `[A-Za-z0-9+/=]`
    Base64,
    /// `[0-9a-f]`
    Hex,
}

impl Charset {
    pub fn contains(self, b: u8) -> bool {
        match self {
            Charset::Alnum => b.is_ascii_alphanumeric(),
            Charset::Token => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Charset::Dotted => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'),
            Charset::Upper => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Charset::Base64 => b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='),
            Charset::Hex => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        }
    }
}

/// A well-known credential format: prefixes, then a body of `min..=max`
/// characters of `charset`, bounded on both sides by a character that
/// cannot continue a token.
pub struct Format {
    pub id: &'static str,
    pub description: &'static str,
    pub prefixes: &'static [&'static str],
    pub charset: Charset,
    pub min: usize,
    pub max: usize,
    /// Google browser keys are public in a Firebase web config or a
    /// `NEXT_PUBLIC_*` variable.
    pub browser_key: bool,
    /// Extra shape check of the body.
    pub shape: fn(&str) -> bool,
}

fn any_shape(_: &str) -> bool {
    true
}

/// Slack tokens are dash-separated numbers ending in a long random part.
fn slack_shape(body: &str) -> bool {
    let parts: Vec<&str> = body.split('-').collect();
    parts.len() >= 3
        && parts.last().is_some_and(|p| p.len() >= 16)
        && body.bytes().filter(u8::is_ascii_digit).count() >= 8
}

/// SendGrid keys are `SG.<22>.<43>`.
fn sendgrid_shape(body: &str) -> bool {
    body.split_once('.')
        .is_some_and(|(a, b)| a.len() >= 16 && b.len() >= 30 && !b.contains('.'))
}

/// A JWT whose payload claims the Supabase `service_role`.
fn service_role_shape(body: &str) -> bool {
    jwt_payload(&format!("eyJ{body}")).is_some_and(|p| {
        let p = p.replace(' ', "");
        p.contains("\"role\":\"service_role\"") && !p.contains("supabase-demo")
    })
}

pub const FORMATS: &[Format] = &[
    Format {
        id: "anthropic",
        description: "Anthropic API key",
        prefixes: &["sk-ant-"],
        charset: Charset::Token,
        min: 32,
        max: 400,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "openrouter",
        description: "OpenRouter API key",
        prefixes: &["sk-or-v1-"],
        charset: Charset::Hex,
        min: 64,
        max: 64,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "openai",
        description: "OpenAI API key",
        prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-None-"],
        charset: Charset::Token,
        min: 32,
        max: 400,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "openai",
        description: "OpenAI-style API key",
        prefixes: &["sk-"],
        charset: Charset::Alnum,
        min: 32,
        max: 200,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "github",
        description: "GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        charset: Charset::Alnum,
        min: 36,
        max: 251,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "github",
        description: "GitHub fine-grained token",
        prefixes: &["github_pat_"],
        charset: Charset::Token,
        min: 60,
        max: 251,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "slack",
        description: "Slack token",
        prefixes: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"],
        charset: Charset::Token,
        min: 30,
        max: 250,
        browser_key: false,
        shape: slack_shape,
    },
    Format {
        id: "slack",
        description: "Slack app token",
        prefixes: &["xapp-"],
        charset: Charset::Token,
        min: 30,
        max: 250,
        browser_key: false,
        shape: slack_shape,
    },
    Format {
        id: "google-api-key",
        description: "Google API key",
        prefixes: &["AIza"],
        charset: Charset::Token,
        min: 35,
        max: 35,
        browser_key: true,
        shape: any_shape,
    },
    Format {
        id: "google-oauth",
        description: "Google OAuth client secret",
        prefixes: &["GOCSPX-"],
        charset: Charset::Token,
        min: 24,
        max: 40,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "google-oauth",
        description: "Google OAuth access token",
        prefixes: &["ya29."],
        charset: Charset::Dotted,
        min: 30,
        max: 4000,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "aws",
        description: "AWS access key ID",
        prefixes: &["AKIA", "ASIA"],
        charset: Charset::Upper,
        min: 16,
        max: 16,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "stripe",
        description: "Stripe live secret key",
        prefixes: &["sk_live_"],
        charset: Charset::Alnum,
        min: 20,
        max: 250,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "stripe",
        description: "Stripe live restricted key",
        prefixes: &["rk_live_"],
        charset: Charset::Alnum,
        min: 20,
        max: 250,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "stripe",
        description: "Stripe webhook signing secret",
        prefixes: &["whsec_"],
        charset: Charset::Base64,
        min: 32,
        max: 100,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "gitlab",
        description: "GitLab access token",
        prefixes: &["glpat-"],
        charset: Charset::Dotted,
        min: 20,
        max: 200,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "huggingface",
        description: "Hugging Face token",
        prefixes: &["hf_"],
        charset: Charset::Alnum,
        min: 30,
        max: 40,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "npm",
        description: "npm access token",
        prefixes: &["npm_"],
        charset: Charset::Alnum,
        min: 36,
        max: 36,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "sendgrid",
        description: "SendGrid API key",
        prefixes: &["SG."],
        charset: Charset::Dotted,
        min: 60,
        max: 80,
        browser_key: false,
        shape: sendgrid_shape,
    },
    Format {
        id: "supabase",
        description: "Supabase secret key",
        prefixes: &["sb_secret_"],
        charset: Charset::Token,
        min: 20,
        max: 200,
        browser_key: false,
        shape: any_shape,
    },
    Format {
        id: "supabase",
        description: "Supabase service-role key",
        prefixes: &["eyJ"],
        charset: Charset::Dotted,
        min: 100,
        max: 2000,
        browser_key: false,
        shape: service_role_shape,
    },
];

/// Every format id, `private-key` included (it is matched apart).
pub const FORMAT_IDS: &[&str] = &[
    "openai",
    "anthropic",
    "openrouter",
    "github",
    "slack",
    "google-api-key",
    "google-oauth",
    "aws",
    "stripe",
    "gitlab",
    "huggingface",
    "npm",
    "sendgrid",
    "supabase",
    "private-key",
];

/// The payload of a JWT (`header.payload.signature`), decoded.
pub fn jwt_payload(value: &str) -> Option<String> {
    let mut parts = value.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !header.starts_with("eyJ") || signature.is_empty() {
        return None;
    }
    String::from_utf8(base64_decode(payload)?).ok()
}

/// Decodes standard or URL-safe base64, padded or not.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in text.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
