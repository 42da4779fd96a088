#!/usr/bin/env bash
# Whole-run benchmark: `plumbline check` vs ripgrep searching the same tree for
# the union of the rules' trigger literals, plus plumbline's peak RSS.
#
#   benches/compare.sh [N_FILES]          (default 20000)
#
# Environment (all optional):
#   PLUMBLINE_BIN   binary to benchmark; unset = `cargo build --release` here
#   CORPUS_DIR      where the corpus lives; reused when it already holds a
#                   corpus with the same N_FILES and SEED, kept afterwards
#   SEED            corpus seed (default 1)
#   VOCABULARY      corpus vocabulary: everyday (default; identifiers include
#                   token, secret, key, client, callback, log, print) or
#                   classic (the first generator's, which avoids them)
#   RUNS            timed runs per whole-tree command (default 10, min 10)
#   WARMUP          untimed warm-up runs per command (default 3)
#   SINGLE_RUNS     timed runs for the single-file case (default 100)
#   NO_HYPERFINE=1  time with the python perf_counter loop even if hyperfine exists
#   NO_GNU_TIME=1   measure peak RSS with python's getrusage even if GNU time exists
#   RESULTS_JSON    also write the summary as JSON to this path
#   KEEP_WORK=1     keep the scratch directory (plumbline output, timings)
#
# Exit status: 0 when every measurement was taken (whatever the numbers are);
# 1 when plumbline or rg misbehaved (crash, unexpected exit status);
# 2 for usage or environment problems (no rg, build failure, ...).
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; }

case "${1:-}" in -h|--help) usage; exit 0 ;; esac
N_FILES="${1:-20000}"
if ! [[ "$N_FILES" =~ ^[0-9]+$ ]] || [ "$N_FILES" -lt 500 ]; then
  echo "compare.sh: N_FILES must be an integer >= 500 (got '$N_FILES')" >&2
  usage
  exit 2
fi

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SEED="${SEED:-1}"
VOCABULARY="${VOCABULARY:-everyday}"
case "$VOCABULARY" in
  everyday|classic) ;;
  *) echo "compare.sh: VOCABULARY must be everyday or classic (got '$VOCABULARY')" >&2; exit 2 ;;
esac
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-3}"
SINGLE_RUNS="${SINGLE_RUNS:-100}"
PYTHON="${PYTHON:-python3}"
if [ "$RUNS" -lt 10 ]; then RUNS=10; fi

log() { printf '[compare] %s\n' "$*" >&2; }
die() { printf '[compare] error: %s\n' "$1" >&2; exit "${2:-2}"; }

command -v "$PYTHON" >/dev/null 2>&1 || die "python3 is required (corpus generator, timing fallback, report)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/plumbline-bench.XXXXXX")"
cleanup() {
  if [ "${KEEP_WORK:-0}" = 1 ]; then
    log "scratch kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  local pkg="$1" logf="$WORK/apt-$1.log"
  command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -q "$pkg" >"$logf" 2>&1; then return 0; fi
  # the package lists may be missing or stale: refresh once and retry
  apt-get update -q >>"$logf" 2>&1 || true
  apt-get install -y -q "$pkg" >>"$logf" 2>&1
}

# ---------------------------------------------------------------- tools
if ! command -v rg >/dev/null 2>&1; then
  if is_root && apt_install ripgrep; then
    log "installed ripgrep"
  else
    die "ripgrep (rg) is not installed. Install it first (apt-get install ripgrep, or cargo install ripgrep)."
  fi
fi
RG_VERSION="$(rg --version | sed -n 1p)"

HAVE_HYPERFINE=0
if [ "${NO_HYPERFINE:-0}" != 1 ]; then
  if command -v hyperfine >/dev/null 2>&1; then
    HAVE_HYPERFINE=1
  elif is_root && apt_install hyperfine; then
    log "installed hyperfine"
    HAVE_HYPERFINE=1
  else
    log "hyperfine unavailable: timing with a python time.perf_counter loop instead"
  fi
fi
HYPERFINE_SHELL_NONE=0
if [ "$HAVE_HYPERFINE" = 1 ]; then
  TIMER="$(hyperfine --version | sed -n 1p)"
  # --shell=none (no intermediate shell; hyperfine >= 1.13) matters for millisecond timings: probe it
  if hyperfine --shell=none --runs 2 --style none true >/dev/null 2>&1; then HYPERFINE_SHELL_NONE=1; fi
else
  TIMER="python time.perf_counter loop"
fi

GNU_TIME=""
if [ "${NO_GNU_TIME:-0}" = 1 ]; then
  :
elif [ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU; then
  GNU_TIME=/usr/bin/time
elif is_root && apt_install time && /usr/bin/time --version 2>&1 | grep -q GNU; then
  log "installed GNU time"
  GNU_TIME=/usr/bin/time
fi

# ---------------------------------------------------------------- plumbline
if [ -z "${PLUMBLINE_BIN:-}" ]; then
  command -v cargo >/dev/null 2>&1 || die "cargo not found and PLUMBLINE_BIN not set"
  log "building plumbline: cargo build --release"
  if ! (cd "$REPO_ROOT" && cargo build --release >&2); then
    die "cargo build --release failed"
  fi
  target_dir="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
  case "$target_dir" in /*) ;; *) target_dir="$REPO_ROOT/$target_dir" ;; esac
  PLUMBLINE_BIN="$target_dir/release/plumbline"
fi
if [ -f "$PLUMBLINE_BIN" ] && [ -x "$PLUMBLINE_BIN" ]; then
  PLUMBLINE_BIN="$(cd "$(dirname "$PLUMBLINE_BIN")" && pwd)/$(basename "$PLUMBLINE_BIN")"
elif command -v "$PLUMBLINE_BIN" >/dev/null 2>&1; then
  PLUMBLINE_BIN="$(command -v "$PLUMBLINE_BIN")"
else
  die "plumbline binary not found or not executable: $PLUMBLINE_BIN"
fi
PL_VERSION="$("$PLUMBLINE_BIN" --version 2>/dev/null | sed -n 1p || true)"
[ -n "$PL_VERSION" ] || PL_VERSION="(--version unsupported)"

# ---------------------------------------------------------------- corpus
GEN="$SCRIPT_DIR/gen_corpus.py"
GEN_VERSION="$(sed -n 's/^GENERATOR_VERSION = \([0-9][0-9]*\).*/\1/p' "$GEN")"
[ -n "$GEN_VERSION" ] || die "cannot read GENERATOR_VERSION from $GEN"
if [ -n "${CORPUS_DIR:-}" ]; then
  CORPUS="$CORPUS_DIR"
else
  CORPUS="$WORK/corpus"
fi

corpus_matches() {
  "$PYTHON" - "$CORPUS/MANIFEST.json" "$N_FILES" "$SEED" "$GEN_VERSION" "$VOCABULARY" <<'PY'
import json, sys
try:
    m = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
ok = (m.get("generator") == "plumbline-benches/gen_corpus.py" and m.get("files") == int(sys.argv[2])
      and m.get("seed") == int(sys.argv[3]) and str(m.get("generator_version")) == sys.argv[4]
      and m.get("vocabulary", "classic") == sys.argv[5])
sys.exit(0 if ok else 1)
PY
}

if [ -f "$CORPUS/MANIFEST.json" ] && corpus_matches; then
  log "reusing corpus in $CORPUS ($N_FILES files, seed $SEED, $VOCABULARY vocabulary)"
else
  log "generating $N_FILES-file corpus (seed $SEED, $VOCABULARY vocabulary) in $CORPUS"
  # --force only ever deletes a directory that holds this generator's MANIFEST.json
  "$PYTHON" "$GEN" "$CORPUS" --files "$N_FILES" --seed "$SEED" --vocabulary "$VOCABULARY" --force || die "corpus generation failed"
fi
CORPUS="$(cd "$CORPUS" && pwd)"
MANIFEST="$CORPUS/MANIFEST.json"

# ---------------------------------------------------------------- literals
FALLBACK_LITERALS=(
  cloud_provider_integrations integration_ IntegrationStatus integration_status
  createServiceRoleClient chi-gateway googleapis google-auth-library googleapiclient
  accounts.google.com oauth callback generateAuthUrl response_type Connector revoke
  disconnect manifest getUncachable access_token refresh_token api_key apiKey
  client_secret clientSecret secret password credential token sk- ghp_ xoxb- AIza
  AKIA plumbline-ignore
)
LIT_RAW="$WORK/literals.raw"
if "$PLUMBLINE_BIN" rules --literals >"$LIT_RAW" 2>"$WORK/literals.err" && grep -q '[^[:space:]]' "$LIT_RAW"; then
  LIT_SOURCE="plumbline rules --literals"
else
  log "\`plumbline rules --literals\` failed or printed nothing; using the built-in fallback list"
  LIT_SOURCE="built-in fallback list"
  printf '%s\n' "${FALLBACK_LITERALS[@]}" >"$LIT_RAW"
fi
# strip CRs and empty lines (an empty pattern would match every line), de-duplicate in order
awk '{ sub(/\r$/, "") } length($0) > 0 && !seen[$0]++' "$LIT_RAW" >"$WORK/literals.txt"
mapfile -t LITERALS <"$WORK/literals.txt"
[ "${#LITERALS[@]}" -gt 0 ] || die "no trigger literals"

RG_BASE=(rg -i -c --no-messages -F)
for lit in "${LITERALS[@]}"; do RG_BASE+=(-e "$lit"); done
RG_CMD=("${RG_BASE[@]}" "$CORPUS")
# The cold run lints every file (--no-cache); the warm run answers an
# unchanged tree from plumbline's per-file cache, kept in the scratch folder.
PL_CMD=("$PLUMBLINE_BIN" check --no-cache --format concise "$CORPUS")
PL_WARM_CMD=("$PLUMBLINE_BIN" check --format concise "$CORPUS")
export PLUMBLINE_CACHE_DIR="$WORK/plumbline-cache"
unset PLUMBLINE_NO_CACHE

# ---------------------------------------------------------------- helpers
cat >"$WORK/timeit.py" <<'PY'
"""Fallback timer: warm-up runs, then `runs` timed runs; hyperfine-shaped JSON."""
import json, statistics, subprocess, sys, time
out, name, runs, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cmd = sys.argv[6:]
for _ in range(warmup):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
import resource
times, codes, users, systems = [], [], [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t0)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    users.append(r1.ru_utime - r0.ru_utime)
    systems.append(r1.ru_stime - r0.ru_stime)
    codes.append(p.returncode)
res = {"command": name, "mean": statistics.fmean(times), "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
       "median": statistics.median(times), "user": statistics.fmean(users), "system": statistics.fmean(systems),
       "min": min(times), "max": max(times), "times": times, "exit_codes": codes}
json.dump({"results": [res]}, open(out, "w"), indent=2)
print(f"  {name}: median {res['median'] * 1000:.2f} ms, mean {res['mean'] * 1000:.2f} ± {res['stddev'] * 1000:.2f} ms "
      f"({runs} runs, {warmup} warm-up)", file=sys.stderr)
PY

shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
join_cmd() {
  local out="" a
  for a in "$@"; do out+="$(shquote "$a") "; done
  printf '%s' "${out% }"
}

# time_cmd NAME RUNS WARMUP CMD...  ->  $WORK/NAME.json (hyperfine format)
time_cmd() {
  local name="$1" runs="$2" warmup="$3"
  shift 3
  log "timing $name: $runs runs after $warmup warm-up"
  if [ "$HAVE_HYPERFINE" = 1 ]; then
    local hf=(hyperfine --ignore-failure --warmup "$warmup" --runs "$runs" --export-json "$WORK/$name.json" -n "$name")
    [ -t 1 ] || hf+=(--style basic)
    [ "$HYPERFINE_SHELL_NONE" = 1 ] && hf+=(--shell=none)
    "${hf[@]}" "$(join_cmd "$@")" >&2 || die "hyperfine failed for $name" 1
  else
    "$PYTHON" "$WORK/timeit.py" "$WORK/$name.json" "$name" "$runs" "$warmup" -- "$@" || die "timing failed for $name" 1
  fi
}

# ---------------------------------------------------------------- one measured plumbline run: findings + peak RSS
log "plumbline: one run for findings and peak RSS"
set +e
if [ -n "$GNU_TIME" ]; then
  RSS_METHOD="GNU time -v"
  "$GNU_TIME" -v -o "$WORK/time-v.txt" "${PL_CMD[@]}" >"$WORK/plumbline.out" 2>"$WORK/plumbline.err"
  PL_RC=$?
  RSS_KB="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time-v.txt" 2>/dev/null)"
else
  RSS_METHOD="python getrusage(RUSAGE_CHILDREN)"
  RSS_LINE="$("$PYTHON" - "$WORK/plumbline.out" "$WORK/plumbline.err" "${PL_CMD[@]}" <<'PY'
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    rc = subprocess.run(sys.argv[3:], stdout=out, stderr=err).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux
PY
)"
  PL_RC="${RSS_LINE%% *}"
  RSS_KB="${RSS_LINE##* }"
fi
set -e
case "$PL_RC" in
  0|1) ;;
  *)
    tail -n 20 "$WORK/plumbline.err" >&2 || true
    die "plumbline check exited with status $PL_RC (expected 0 or 1): broken" 1
    ;;
esac
[ -n "${RSS_KB:-}" ] || RSS_KB=0

set +e
"${RG_CMD[@]}" >"$WORK/rg.out" 2>"$WORK/rg.err"
RG_RC=$?
set -e
case "$RG_RC" in 0|1) ;; *) cat "$WORK/rg.err" >&2; die "rg exited with status $RG_RC" 1 ;; esac
RG_WALKED="$(rg --files "$CORPUS" 2>/dev/null | wc -l)"
RG_NM="$(rg --files "$CORPUS" 2>/dev/null | grep -c '/node_modules/' || true)"

# ---------------------------------------------------------------- whole-tree timings (warm cache)
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
time_cmd rg "$RUNS" "$WARMUP" "${RG_CMD[@]}"
time_cmd plumbline "$RUNS" "$WARMUP" "${PL_CMD[@]}"
# The warm-up runs fill the cache; the warm run must report what the cold one did.
"${PL_WARM_CMD[@]}" >"$WORK/plumbline-warm.out" 2>/dev/null || true
"${PL_WARM_CMD[@]}" >"$WORK/plumbline-warm.out" 2>/dev/null || true
cmp -s "$WORK/plumbline.out" "$WORK/plumbline-warm.out" || die "the warm-cache run reported other findings than the cold run" 1
time_cmd plumbline-warm "$RUNS" "$WARMUP" "${PL_WARM_CMD[@]}"

# ---------------------------------------------------------------- single-file timings
SINGLE_DIR="$WORK/single"
mkdir -p "$SINGLE_DIR"
SINGLE="$SINGLE_DIR/bench-single.ts"
"$PYTHON" "$GEN" --single-ts "$SINGLE" --lines 500 --seed "$SEED" --vocabulary "$VOCABULARY" 2>/dev/null || die "could not write the single-file case"
set +e
"$PLUMBLINE_BIN" check --format concise "$SINGLE" >"$WORK/single.out" 2>"$WORK/single.err"
S_RC=$?
set -e
case "$S_RC" in 0|1) ;; *) tail -n 20 "$WORK/single.err" >&2; die "plumbline check on one file exited with $S_RC" 1 ;; esac
time_cmd rg-single "$SINGLE_RUNS" 10 "${RG_BASE[@]}" "$SINGLE"
time_cmd plumbline-single "$SINGLE_RUNS" 10 "$PLUMBLINE_BIN" check --no-cache --format concise "$SINGLE"

# ---------------------------------------------------------------- report
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
NPROC="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
CPU="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
"$PYTHON" - "$WORK" "$MANIFEST" "$CORPUS" "$NPROC" "$CPU" "$RSS_KB" "$RSS_METHOD" "$TIMER" "$RG_VERSION" \
  "$PL_VERSION" "$LIT_SOURCE" "${#LITERALS[@]}" "$RG_WALKED" "$RG_NM" "$SINGLE" "${RESULTS_JSON:-}" "$PL_RC" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, os, re, sys

(work, manifest_path, corpus, nproc, cpu, rss_kb, rss_method, timer, rg_version, pl_version, lit_source,
 n_lits, rg_walked, rg_nm, single, results_json, pl_rc, load_before, load_after) = sys.argv[1:20]
m = json.load(open(manifest_path))


def res(name):
    with open(os.path.join(work, name + ".json")) as fh:
        r = json.load(fh)["results"][0]
    return r


rg, pl, rgs, pls = res("rg"), res("plumbline"), res("rg-single"), res("plumbline-single")
plw = res("plumbline-warm")
for r, ok in ((rg, {0, 1}), (pl, {0, 1}), (plw, {0, 1}), (rgs, {0, 1}), (pls, {0, 1})):
    codes = set(r.get("exit_codes") or [])
    if codes - ok:
        print(f"[compare] error: {r['command']} returned exit codes {sorted(codes)} during timing", file=sys.stderr)
        sys.exit(1)

# ---- findings: parse the concise output ------------------------------------------
KNOWN = {"supabase-integration-table", "supabase-integration-status-write", "supabase-integration-status-read",
         "supabase-service-role-for-integrations", "supabase-save-integration-status", "forbidden-gateway-host",
         "provider-call-bypasses-gateway", "dead-oauth-callback", "app-oauth-url-generation",
         "connector-missing-revoke", "connector-revoke-stub", "connector-disconnect-without-revoke",
         "manifest-invalid", "manifest-unregistered", "cached-connector-client", "plaintext-credential-column",
         "hardcoded-credential", "credential-in-log", "invalid-suppression", "unused-suppression"}
LOC = re.compile(r"^\s*(?P<path>[^\s:][^:]*?):(?:\s*line\s*)?(?P<line>\d+)(?::(?P<col>\d+))?\b")
RULE_TOKEN = re.compile(r"(?<![\w-])([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![\w-])")
real_corpus = os.path.realpath(corpus)


def norm(p):
    p = p.strip()
    for prefix in (real_corpus + os.sep, corpus + os.sep):
        if p.startswith(prefix):
            p = p[len(prefix):]
    # absolute, or relative to the directory plumbline ran in (this one)
    rp = os.path.realpath(p)
    if rp.startswith(real_corpus + os.sep):
        p = rp[len(real_corpus) + 1:]
    while p.startswith("./"):
        p = p[2:]
    return p


def parse(path):
    found = []
    for stream in (path + ".out", path + ".err"):
        try:
            text = open(stream, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for raw in text.splitlines():
            line = re.sub(r"\x1b\[[0-9;]*m", "", raw)
            mm = LOC.match(line)
            if not mm:
                continue
            rest = line[mm.end():]
            rule = next((t for t in RULE_TOKEN.findall(rest) if t in KNOWN), None)
            if rule is None:
                toks = RULE_TOKEN.findall(rest)
                rule = toks[0] if toks else "?"
            found.append((rule, norm(mm.group("path")), int(mm.group("line"))))
        if found:
            break  # findings came on stdout; don't double count stderr
    return found


findings = parse(os.path.join(work, "plumbline"))
injected = {(v["rule"], v["path"]) for v in m["violations"]}
got = {(r, p) for r, p, _ in findings}
matched = injected & got
missed = sorted(injected - got)
unexpected = sorted((r, p, l) for r, p, l in findings if (r, p) not in injected)
by_rule = {}
for r, _, _ in findings:
    by_rule[r] = by_rule.get(r, 0) + 1
near = {x["path"] for x in m.get("near_misses", [])}
decoys = set(m.get("ignored_decoys", []))
on_near = [u for u in unexpected if u[1] in near]
on_decoy = [u for u in unexpected if u[1] in decoys or "node_modules/" in u[1]]

ratio = pl["median"] / rg["median"] if rg["median"] > 0 else float("inf")
sratio = pls["median"] / rgs["median"] if rgs["median"] > 0 else float("inf")
rss_mb = int(rss_kb) / 1024.0
single_lines = open(single).read().count("\n")


def fmt_t(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.3f} s"


def cpu_time(r):
    return (r.get("user") or 0.0) + (r.get("system") or 0.0)


def row(label, r):
    return (f"  {label:<24}{fmt_t(r['median']):>11}   {fmt_t(r['mean']):>10} ± {fmt_t(r['stddev']):<10}"
            f"{fmt_t(r['min']):>10}{fmt_t(r['max']):>11}{fmt_t(cpu_time(r)):>11}{len(r['times']):>6}")


HEAD = f"{'median':>11}   {'mean ± stddev':^23}{'min':>10}{'max':>11}{'cpu':>11}{'runs':>6}"


print()
print("plumbline whole-run benchmark")
print(f"  corpus      {corpus}")
print(f"              {m['files']} files ({m['bytes'] / 1e6:.1f} MB, {m['lines']['total'] / 1e6:.2f} M lines, "
      f"{m['directories']} dirs, seed {m['seed']}, {m.get('vocabulary', 'classic')} vocabulary); +{m.get('node_modules_files', 0)} files in ignored node_modules/")
print(f"              rg walks {rg_walked} files ({rg_nm} under node_modules/; rg skips hidden .env* files, plumbline does not)")
print(f"  machine     {nproc} cores (nproc){', ' + cpu if cpu else ''}; load average {load_before} before timing, {load_after} after")
try:
    busy = float(load_before.split()[0]) > 0.5 * int(nproc)
except ValueError:
    busy = False
if busy:
    print("              !! the machine was busy before timing started: wall times are inflated and noisy; compare the cpu column")
print(f"  plumbline   {pl_version}")
print(f"  tools       {rg_version}; timing: {timer}; RSS: {rss_method}")
print(f"  literals    {n_lits} from {lit_source}")
print()
print(f"  {'whole tree, page cache warm':<24}{HEAD}")
print(row("rg -i -c -F (literals)", rg))
print(row("plumbline check --no-cache", pl))
print(row("plumbline check (cached)", plw))
cratio = cpu_time(pl) / cpu_time(rg) if cpu_time(rg) > 0 else float("inf")
wratio = plw["median"] / rg["median"] if rg["median"] > 0 else float("inf")
wcratio = cpu_time(plw) / cpu_time(rg) if cpu_time(rg) > 0 else float("inf")
print(f"  {'ratio plumbline / rg':<24}{ratio:>10.2f}x   (target: <= 1.5x; cpu-time ratio {cratio:.2f}x)")
print(f"  {'ratio cached / rg':<24}{wratio:>10.2f}x   (target: <= 1.2x on an unchanged tree; cpu-time ratio {wcratio:.2f}x)")
print(f"  {'plumbline peak RSS':<24}{rss_mb:>8.1f} MB   (target: < 200 MB)")
print(f"  {'findings':<24}{len(findings):>5} reported vs {len(injected)} injected "
      f"({len(matched)} matched, {len(missed)} missed, {len(unexpected)} unexpected; exit status {pl_rc})")
if by_rule:
    print("  by rule     " + ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items())))
if on_near:
    print(f"  !! {len(on_near)} finding(s) on near-miss files that must stay clean")
if on_decoy:
    print(f"  !! {len(on_decoy)} finding(s) inside node_modules/ (should be ignored)")
for label, items in (("missed", [f"{r}  {p}" for r, p in missed]),
                     ("unexpected", [f"{r}  {p}:{l}" for r, p, l in unexpected])):
    for s in items[:10]:
        print(f"    {label:<10} {s}")
    if len(items) > 10:
        print(f"    {label:<10} ... and {len(items) - 10} more")
print()
print(f"  {'single file (' + str(single_lines) + '-line TS)':<24}{HEAD}")
print(row("rg -i -c -F (literals)", rgs))
print(row("plumbline check", pls))
print(f"  {'ratio plumbline / rg':<24}{sratio:>10.2f}x")
print()

if results_json:
    out = {"files": m["files"], "seed": m["seed"], "bytes": m["bytes"], "nproc": int(nproc), "cpu": cpu,
           "plumbline_version": pl_version, "rg_version": rg_version, "timer": timer, "literal_source": lit_source,
           "literals": int(n_lits),
           "rg": {k: rg.get(k) for k in ("median", "mean", "stddev", "min", "max", "user", "system")},
           "plumbline": {k: pl.get(k) for k in ("median", "mean", "stddev", "min", "max", "user", "system")},
           "plumbline_warm": {k: plw.get(k) for k in ("median", "mean", "stddev", "min", "max", "user", "system")},
           "warm_ratio": wratio, "warm_cpu_ratio": wcratio,
           "ratio": ratio, "cpu_ratio": cratio, "load_before": load_before, "load_after": load_after,
           "peak_rss_mb": rss_mb, "rss_method": rss_method,
           "findings": {"reported": len(findings), "injected": len(injected), "matched": len(matched),
                        "missed": [list(x) for x in missed], "unexpected": [list(x) for x in unexpected],
                        "by_rule": by_rule},
           "single_file": {"lines": single_lines, "rg_median": rgs["median"], "plumbline_median": pls["median"],
                           "ratio": sratio}}
    with open(results_json, "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")
PY
