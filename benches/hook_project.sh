#!/usr/bin/env bash
# Times the agent hook on an edit whose finding depends on other files: a
# `Write` of an Express router registering `/callback`, which is an OAuth
# callback only because a file already on disk mounts the router under
# `/oauth`. Deciding it needs the project's mounts: without the per-file
# cache the hook walks the project and parses every file with a mount call;
# with a warm cache it stats the files it knows. Compared with a clean edit
# (the same router registering `/status`: no finding, no project read).
#
# Usage: benches/hook_project.sh [PROJECT]
#   PROJECT   a copy of a real repository to add the two files to (it is
#             written into: never point it at a checkout you care about);
#             default: a generated TypeScript project of FILES files
# Environment: PLUMBLINE_BIN (skip the build), FILES=10000, RUNS=20
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
FILES=${FILES:-10000}

if [ -z "${PLUMBLINE_BIN:-}" ]; then
  cargo build --release --quiet
  PLUMBLINE_BIN=$PWD/target/release/plumbline
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${1:-}" ]; then
  project=$(cd "$1" && pwd)
else
  project=$work/project
fi
export PLUMBLINE_CACHE_DIR=$work/cache
unset PLUMBLINE_NO_CACHE

python3 - "$project" "$FILES" "$PLUMBLINE_BIN" "$RUNS" "$work" "${1:-}" <<'PY'
import json, os, resource, shutil, statistics, subprocess, sys, time

project, n_files, binary, runs, work, given = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]

def write(path, text):
    full = os.path.join(project, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)

if not given:
    write("package.json", '{"name": "bench-app", "private": true}\n')
    # Ordinary modules, a router in one of every 25 folders, each mounted by
    # its folder's index: the project has mount calls in many files.
    per_folder = 25
    for i in range(n_files):
        folder = f"src/modules/m{i // per_folder:04d}"
        if i % per_folder == 0:
            write(f"{folder}/index.ts",
                  "import express from 'express';\nimport { items } from './items';\n\n"
                  "export const api = express.Router();\napi.use('/items', items);\n")
        elif i % per_folder == 1:
            write(f"{folder}/items.ts",
                  "import express from 'express';\n\nexport const items = express.Router();\n\n"
                  "items.get('/', (req, res) => res.json([]));\n")
        else:
            write(f"{folder}/f{i}.ts",
                  f"export function total{i}(values: number[]): number {{\n"
                  f"  return values.reduce((sum, v) => sum + v, {i});\n}}\n\n"
                  f"export const label{i} = 'module {i}';\n")

# The file on disk that mounts the router the edit writes.
write("plumbline-bench-app.ts",
      "import express from 'express';\nimport legacy from './plumbline-bench-router';\n\n"
      "const app = express();\napp.use('/oauth', legacy);\n")

def event(route):
    content = ("import { Router } from 'express';\n\nconst router = Router();\n\n"
               f"router.get('{route}', (req, res) => {{\n  res.redirect(`/done?code=${{String(req.query.code)}}`);\n}});\n\n"
               "export default router;\n")
    return json.dumps({"session_id": "bench", "cwd": project, "hook_event_name": "PreToolUse",
                       "tool_name": "Write",
                       "tool_input": {"file_path": os.path.join(project, "plumbline-bench-router.ts"),
                                      "content": content}}).encode()

cache = os.environ["PLUMBLINE_CACHE_DIR"]

def run(payload, extra=(), cold=False):
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([binary, "hook", "claude", *extra], input=payload, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu, ("deny" if b'"deny"' in p.stdout else "allow")

cases = [
    ("clean edit", event("/status"), (), False),
    ("mounts, no cache", event("/callback"), ("--no-cache",), False),
    ("mounts, cold cache", event("/callback"), (), True),
    ("mounts, warm cache", event("/callback"), (), False),
]
# Fill the cache, then let its stamps settle (entries recorded within two
# seconds of a file's change are checked by content).
run(event("/callback"))
time.sleep(2.5)
run(event("/callback"))
rows = {}
for name, payload, extra, cold in cases:
    samples = [run(payload, extra, cold) for _ in range(runs)]
    rows[name] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
                  {s[2] for s in samples})

sources = sum(1 for _, _, files in os.walk(project) for f in files if f.endswith((".ts", ".tsx", ".js", ".py")))
print(f"agent hook, an edit whose finding needs the project's mounts ({sources} TS/JS/Python files; "
      f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
clean_wall, clean_cpu, _ = rows["clean edit"]
for name, (wall, cpu, decisions) in rows.items():
    print(f"  {name:<20} wall {wall * 1000:8.1f} ms ({wall / clean_wall:5.1f}x clean)   "
          f"CPU {cpu * 1000:7.1f} ms ({cpu / max(clean_cpu, 1e-6):5.1f}x)   {'/'.join(sorted(decisions))}")
print("  target: warm cache within 2x of the clean edit")
if given:
    for name in ("plumbline-bench-app.ts", "plumbline-bench-router.ts"):
        path = os.path.join(project, name)
        if os.path.exists(path):
            os.remove(path)
PY
