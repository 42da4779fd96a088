//! Parse + all rules on a 1,000-line file, per front end. The files contain
//! trigger literals so the prefilter lets them through to the parser.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plumbline::config::{Overrides, RuleSet};
use plumbline::engine::{lint_source, Engine};
use plumbline::SourceFile;

fn repeat_to_lines(block: &str, lines: usize, tail: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.lines().count() < lines {
        out.push_str(&block.replace("{i}", &i.to_string()));
        i += 1;
    }
    out.push_str(tail);
    out
}

fn corpus() -> Vec<(&'static str, &'static str, String)> {
    let ts = repeat_to_lines(
        "export async function loadOrg{i}(supabase: SupabaseClient, id: string) {\n  const { data, error } = await supabase\n    .from('organizations')\n    .select('id, name, integration_gcp_status')\n    .eq('id', id)\n    .single();\n  if (error) throw new Error(`load failed: ${error.message}`);\n  return { ...data, callback: () => console.log('oauth ok') };\n}\n\n",
        1000,
        "class Gmail implements Connector { async revoke() {} }\n",
    );
    let py = repeat_to_lines(
        "@router.get(\"/orgs/{i}\")\nasync def get_org_{i}(org_id: str, supabase=Depends(client)):\n    res = supabase.table(\"organizations\").select(\"*\").eq(\"id\", org_id).execute()\n    if not res.data:\n        raise HTTPException(status_code=404, detail=\"not found: oauth\")\n    return res.data[0]\n\n\n",
        1000,
        "class Slack(Connector):\n    def revoke(self):\n        pass\n",
    );
    let rs = repeat_to_lines(
        "pub struct Client{i} {\n    http: reqwest::Client,\n    base: String,\n}\n\nimpl Client{i} {\n    pub async fn get(&self, path: &str) -> anyhow::Result<String> {\n        let url = format!(\"{}/{}\", self.base, path);\n        Ok(self.http.get(url).send().await?.text().await?)\n    }\n}\n\n",
        1000,
        "impl Connector for Gmail { fn id(&self) -> &str { \"gmail\" } }\n",
    );
    let sql = repeat_to_lines(
        "create table if not exists public.widgets_{i} (\n  id uuid primary key default gen_random_uuid(),\n  org_id uuid references organizations(id),\n  name text not null,\n  created_at timestamptz default now()\n);\ncreate index widgets_{i}_org on public.widgets_{i} (org_id);\n\n",
        1000,
        "insert into cloud_provider_integrations (provider) values ('gcp');\n",
    );
    let yaml = repeat_to_lines(
        "service_{i}:\n  image: ghcr.io/acme/service-{i}:latest\n  environment:\n    GATEWAY_URL: https://diiiploy-gateway.diiiploy.workers.dev\n    LOG_LEVEL: info # verbose in dev\n  ports:\n    - \"80{i}:8080\"\n\n",
        1000,
        "legacy:\n  url: https://chi-gateway.example.workers.dev\n",
    );
    vec![
        ("typescript", "src/lib/orgs.ts", ts),
        ("python", "api/routers/orgs.py", py),
        ("rust", "connectors/src/client.rs", rs),
        ("sql", "supabase/migrations/0001_widgets.sql", sql),
        ("yaml", "deploy/docker-compose.yml", yaml),
    ]
}

fn frontends(c: &mut Criterion) {
    let rules = RuleSet::compile(&[], &Overrides::default()).expect("default rules compile");
    let mut group = c.benchmark_group("parse_and_all_rules_1000_lines");
    for (name, path, text) in corpus() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let source = Arc::new(SourceFile::in_memory(path, text.clone()));
                black_box(lint_source(&rules, source).findings.len())
            })
        });
    }
    group.finish();

    let mut parse_only = c.benchmark_group("parse_only_1000_lines");
    for (name, path, text) in corpus() {
        let Some(language) = plumbline::lang::Language::from_path(path) else {
            continue;
        };
        if !matches!(
            language.family(),
            plumbline::lang::Family::Js | plumbline::lang::Family::Python
        ) {
            continue;
        }
        parse_only.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    plumbline::lang::tree::parse(language, &text)
                        .map(|t| t.root_node().child_count()),
                )
            })
        });
    }
    parse_only.finish();

    let clean = "export const x = 1;\n".repeat(1000);
    c.bench_function("prefilter_only_clean_1000_lines", |b| {
        b.iter(|| {
            let source = Arc::new(SourceFile::in_memory("src/clean.ts", clean.clone()));
            black_box(lint_source(&rules, source).findings.len())
        })
    });
}

/// A whole `check` of a 400-file project, linting every file and answered
/// from a warm per-file cache.
fn cached_tree(c: &mut Criterion) {
    let project = tempfile::tempdir().expect("temp folder");
    let cache = tempfile::tempdir().expect("temp folder");
    for i in 0..400 {
        let dir = project.path().join(format!("src/m{}", i / 20));
        std::fs::create_dir_all(&dir).expect("folder");
        let text = if i % 10 == 0 {
            format!("const token{i} = process.env.API_TOKEN;\nconsole.log('sending', token{i});\nfetch('https://api.github.com/user');\n")
        } else {
            format!("export function total{i}(values: number[]): number {{\n  return values.reduce((s, v) => s + v, {i});\n}}\n")
        };
        std::fs::write(dir.join(format!("f{i}.ts")), text).expect("file");
    }
    // The bench process is started by cargo, which turns the cache off.
    std::env::remove_var(plumbline::cache::OFF_VAR);
    std::env::set_var(plumbline::cache::DIR_VAR, cache.path());
    let walk = plumbline::walk::WalkOptions::default();
    let paths = [project.path().to_path_buf()];
    let mut group = c.benchmark_group("check_400_files");
    group.sample_size(20);
    group.bench_function("no_cache", |b| {
        let cold =
            || Engine::with_config(project.path(), None, Overrides::default()).expect("engine");
        b.iter(|| {
            black_box(
                cold()
                    .check_paths(&paths, &walk)
                    .expect("check")
                    .findings
                    .len(),
            )
        })
    });
    group.bench_function("warm_cache", |b| {
        let warm = || {
            let mut engine =
                Engine::with_config(project.path(), None, Overrides::default()).expect("engine");
            engine.use_cache().expect("cache");
            engine
        };
        warm().check_paths(&paths, &walk).expect("fill the cache");
        b.iter(|| {
            black_box(
                warm()
                    .check_paths(&paths, &walk)
                    .expect("check")
                    .findings
                    .len(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, frontends, cached_tree);
criterion_main!(benches);
