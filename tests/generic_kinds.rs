//! Kinds written for any team's rules, run as a project would configure
//! them: fail cases in every language they read and look-alikes that pass.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `check` in a project made of `files` and returns the concise
/// findings.
fn check(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    let output = Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(["check", "--format", "concise"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const ENV_RULE: &str = r#"
[[rule]]
id = "stripe-env-only-in-config"
kind = "env-read-outside"
message = "`{name}` is read outside packages/config"
help = "import it from @acme/config"
[rule.options]
names = ["STRIPE_*"]
allow = ["packages/config"]
"#;

#[test]
fn env_read_outside_finds_reads_in_every_language_and_spares_look_alikes() {
    let out = check(&[
        ("plumbline.toml", ENV_RULE),
        (
            "apps/web/src/checkout.ts",
            "const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);\n\
             const { STRIPE_WEBHOOK_SECRET: hook } = process.env;\n\
             const other = process.env.NEXT_PUBLIC_URL;\n\
             const dynamic = process.env[`STRIPE_${kind}`];\n",
        ),
        (
            "services/worker/app/billing.py",
            "import os\nfrom os import getenv\n\
             key = os.environ[\"STRIPE_SECRET_KEY\"]\n\
             hook = getenv(\"STRIPE_WEBHOOK_SECRET\", \"\")\n\
             url = os.environ.get(\"DATABASE_URL\")\n",
        ),
        (
            "crates/billing/src/lib.rs",
            "pub fn key() -> String { std::env::var(\"STRIPE_SECRET_KEY\").unwrap() }\n\
             pub const VERSION: &str = env!(\"CARGO_PKG_VERSION\");\n",
        ),
        (
            "packages/config/src/index.ts",
            "export const stripeKey = process.env.STRIPE_SECRET_KEY;\n",
        ),
        (
            "apps/web/src/checkout.test.ts",
            "process.env.STRIPE_SECRET_KEY = 'sk_test_x';\n",
        ),
        (
            "apps/web/src/labels.ts",
            "export const label = 'Set STRIPE_SECRET_KEY in your env';\n",
        ),
    ]);
    insta::assert_snapshot!(out);
}

const STORAGE_RULE: &str = r#"
[[rule]]
id = "s3-only-in-storage"
kind = "forbidden-dependency"
message = "{form} `{dependency}` outside packages/storage"
help = "use @acme/storage"
exclude = ["packages/storage"]
[rule.options]
clients = ['boto3.client("s3")', 'boto3.resource("s3")', "new S3Client"]
"#;

#[test]
fn forbidden_dependency_clients_tell_the_service_by_argument_and_class() {
    let out = check(&[
        ("plumbline.toml", STORAGE_RULE),
        (
            "services/worker/app/upload.py",
            "import boto3\nfrom boto3 import client as make_client\n\
             s3 = boto3.client(\"s3\", region_name=REGION)\n\
             queue = boto3.client(\"sqs\")\n\
             bucket = boto3.resource('S3').Bucket(NAME)\n\
             other = make_client(\"s3\")\n\
             mine = self.client(\"s3\")\n",
        ),
        (
            "apps/api/src/upload.ts",
            "import { S3Client as S3, PutObjectCommand } from '@aws-sdk/client-s3';\n\
             import { SQSClient } from '@aws-sdk/client-sqs';\n\
             const s3 = new S3({ region });\n\
             const sqs = new SQSClient({ region });\n\
             const cmd = new PutObjectCommand({ Bucket });\n",
        ),
        (
            "packages/storage/src/s3.ts",
            "import { S3Client } from '@aws-sdk/client-s3';\nexport const s3 = new S3Client({});\n",
        ),
    ]);
    insta::assert_snapshot!(out);
}
