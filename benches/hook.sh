#!/usr/bin/env bash
# Times the agent hook as an agent runs it: one whole process per Claude
# `Edit` event on a 500-line file, against `rg` searching the same file for
# one literal. `clean` is the everyday edit (no finding, so the old version
# is never parsed); `ts` and `py` are the worst case, files with fifty
# findings each, where both versions are parsed and every rule reads them.
# Usage: benches/hook.sh   (PLUMBLINE_BIN to skip the build, RUNS=200,
# LINES=5000 for longer files; default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-200}
LINES=${LINES:-500}

if [ -z "${PLUMBLINE_BIN:-}" ]; then
  cargo build --release --quiet
  PLUMBLINE_BIN=$PWD/target/release/plumbline
fi
for tool in rg hyperfine; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y -qq "$( [ "$tool" = rg ] && echo ripgrep || echo hyperfine )" >/dev/null
    else
      echo "benches/hook.sh needs $tool" >&2
      exit 2
    fi
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/lib" "$work/app/services"
printf '[gateway]\nforbidden_hosts = ["chi-gateway"]\n' > "$work/plumbline.toml"

python3 - "$work" "$LINES" <<'PY'
import json, sys
root = sys.argv[1]
n_lines = int(sys.argv[2])
ts_block = """export async function loadOrg{i}(supabase: SupabaseClient, id: string) {{
  const {{ data, error }} = await supabase
    .from('organizations')
    .select('id, name, integration_gcp_status')
    .eq('id', id)
    .single();
  if (error) throw new Error(`load failed: ${{error.message}}`);
  return {{ ...data, onDone: (cb: () => void) => cb() }};
}}

"""
py_block = """@router.get("/orgs/{i}")
async def get_org_{i}(org_id: str, supabase=Depends(client)):
    res = supabase.table("organizations").select("integration_gcp_status").eq("id", org_id).execute()
    if not res.data:
        raise HTTPException(status_code=404, detail="not found")
    return res.data[0]


"""
def build(block, n_lines):
    out, i = "", 0
    while out.count("\n") < n_lines:
        out += block.format(i=i)
        i += 1
    return "\n".join(out.split("\n")[:n_lines]) + "\n"
# The everyday case: a file with no finding, whose old version is never read.
clean_block = """export function formatInvoice{i}(invoice: Invoice, locale: string): string {{
  const total = new Intl.NumberFormat(locale, {{ style: 'currency', currency: invoice.currency }});
  const lines = invoice.items.map((item) => `${{item.name}}: ${{total.format(item.amount)}}`);
  if (lines.length === 0) {{
    return 'empty invoice';
  }}
  return [invoice.number, ...lines, total.format(invoice.total)].join('\\n');
}}

"""
ts = build(ts_block, n_lines)
py = build(py_block, n_lines)
clean = build(clean_block, n_lines)
open(f"{root}/src/lib/orgs.ts", "w").write(ts)
open(f"{root}/app/services/orgs.py", "w").write(py)
open(f"{root}/src/lib/invoices.ts", "w").write(clean)
def edit(path, old, new):
    return {"session_id": "bench", "transcript_path": "/tmp/t.jsonl", "cwd": root,
            "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Edit",
            "tool_input": {"file_path": f"{root}/{path}", "old_string": old, "new_string": new},
            "tool_use_id": "toolu_bench"}
json.dump(edit("src/lib/orgs.ts", "export async function loadOrg7(", "export async function loadOrganization7("),
          open(f"{root}/edit-ts.json", "w"))
json.dump(edit("app/services/orgs.py", "async def get_org_7(", "async def get_organization_7("),
          open(f"{root}/edit-py.json", "w"))
json.dump(edit("src/lib/invoices.ts", "export function formatInvoice7(", "export function formatInvoiceLines7("),
          open(f"{root}/edit-clean.json", "w"))
PY

echo "cores: $(nproc); runs: $RUNS; $(rg --version | sed -n 1p)"
cd "$work"
for lang in clean ts py; do
  case $lang in
    clean) file=src/lib/invoices.ts; word=invoice ;;
    ts) file=src/lib/orgs.ts; word=organizations ;;
    py) file=app/services/orgs.py; word=organizations ;;
  esac
  # hyperfine's shell mode subtracts the shell's own start-up from each run.
  hyperfine --warmup 20 --runs "$RUNS" --export-json "$work/$lang.json" \
    -n "plumbline hook claude ($lang Edit, $(wc -l < $file) lines)" "$PLUMBLINE_BIN hook claude --fail-closed < edit-$lang.json" \
    -n "rg -c $word $file" "rg -c $word $file" 2>/dev/null | grep -E "Time|^Benchmark" || true
  python3 - "$work/$lang.json" <<'PY'
import json, sys, statistics
r = json.load(open(sys.argv[1]))["results"]
hook, rg = (statistics.median(x["times"]) * 1000 for x in r)
print(f"  median: hook {hook:.2f} ms, rg {rg:.2f} ms, ratio {hook / rg:.2f}x (target: <= 2x)")
PY
done
