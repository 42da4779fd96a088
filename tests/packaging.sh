#!/usr/bin/env bash
# Proves the packages that install plumbline without a Rust toolchain:
#
#  - the PyPI wheel (pyproject.toml, maturin, binary only): built with
#    maturin, installed into a clean virtualenv, then run through pipx
#    (`pipx run --spec WHEEL`) and uv (`uvx --from WHEEL`) where they are;
#  - the README's pre-commit hook for projects without Rust (`repo: local`,
#    `language: python`, the wheel as its dependency), with no package
#    index and no cargo;
#  - the npm packages (npm/: the `plumbline-cli` launcher and the platform
#    package `plumbline-cli-<os>-<cpu>` holding the binary): built by
#    npm/build.sh, installed from the two tarballs into a clean node project
#    with --offline, and run through `npx plumbline`.
#
# Each installed command must give the same report and exit code (1) as
# target/release/plumbline on the demo app, deny a violating Claude Code
# Edit and allow a clean one (payloads from fixtures/hooks/claude/, on a copy
# of fixtures/hooks/project), and pass a usage error's exit code 2 through.
#
# target/release/plumbline is reused when it is newer than the sources, else
# built once with `cargo build --release` (maturin then finds it fresh).
# Where maturin cannot be had from PyPI, or npm is missing, that part prints
# one "skipped: ..." line. Ends with "packaging: N passed, M failed" and
# exits 1 when something failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The runs below leave no per-file cache in the checkout.
export PLUMBLINE_NO_CACHE=1
start=$SECONDS

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "packaging took $((SECONDS - start))s"
  echo "packaging: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export NO_COLOR=1
unset PLUMBLINE_BINARY

# --- the binary every package is built from --------------------------------

reference="$root/target/release/plumbline"

# True when some source of the binary is newer than the built binary.
binary_is_stale() {
  [ -x "$reference" ] || return 0
  [ -n "$(find "$root/src" "$root/rules" "$root/Cargo.toml" "$root/Cargo.lock" \
          -newer "$reference" -print -quit 2>/dev/null)" ]
}

echo "== the release binary"
if binary_is_stale; then
  command -v cargo >/dev/null 2>&1 || { echo "skipped: no cargo and no fresh target/release/plumbline"; exit 0; }
  (cd "$root" && cargo build --release --locked --quiet) || { fail "cargo build --release"; finish; }
  echo "built target/release/plumbline"
else
  echo "reusing target/release/plumbline (newer than the sources)"
fi

# --- what every installed command must do ----------------------------------

demo="$root/fixtures/demo-app"
(cd "$root" && "$reference" check fixtures/demo-app --color never > "$tmp/expected-check.txt" 2>&1)
expected_code=$?
summary="$(grep -E '^[0-9]+ errors?, [0-9]+ warnings?' "$tmp/expected-check.txt" | tail -1)"
echo "the demo app, as target/release/plumbline reports it: exit $expected_code, \"$summary\""
[ "$expected_code" -eq 1 ] || fail "target/release/plumbline check on the demo app exited $expected_code, not 1"

# A fresh copy of the hook fixture project and a Claude Code payload for it.
hook_project="$tmp/hook-project"
cp -R "$root/fixtures/hooks/project" "$hook_project"
for case in edit-blocked edit-allowed; do
  sed "s|__PROJECT__|$hook_project|g" "$root/fixtures/hooks/claude/$case.json" > "$tmp/$case.json"
done

# Runs LABEL CMD... as the user's `plumbline` command through every check.
# CMD is run from the repository root (check) and the hook project (hook).
prove() {
  local label="$1"
  shift
  local out code

  out="$(cd "$root" && "$@" check fixtures/demo-app --color never 2>&1)"
  code=$?
  if [ "$code" -eq "$expected_code" ] && [ "$out" = "$(cat "$tmp/expected-check.txt")" ]; then
    pass "$label check fixtures/demo-app: exit $code, \"$summary\""
  else
    fail "$label check fixtures/demo-app: exit $code (expected $expected_code), last line: $(printf '%s\n' "$out" | tail -1)"
  fi

  out="$(cd "$hook_project" && "$@" hook claude < "$tmp/edit-blocked.json" 2>&1)"
  code=$?
  if [ "$code" -eq 0 ] && printf '%s' "$out" | grep -q '"permissionDecision":"deny"' \
     && printf '%s' "$out" | grep -q 'forbidden-gateway-host'; then
    pass "$label hook claude denies a violating Edit"
  else
    fail "$label hook claude on edit-blocked.json: exit $code, output: $out"
  fi

  out="$(cd "$hook_project" && "$@" hook claude < "$tmp/edit-allowed.json" 2>&1)"
  code=$?
  if [ "$code" -eq 0 ] && ! printf '%s' "$out" | grep -q '"deny"'; then
    pass "$label hook claude allows a clean Edit"
  else
    fail "$label hook claude on edit-allowed.json: exit $code, output: $out"
  fi

  out="$("$@" check --format no-such-format 2>&1)"
  code=$?
  if [ "$code" -eq 2 ]; then
    pass "$label passes a usage error's exit code 2 through"
  else
    fail "$label check --format no-such-format: exit $code (expected 2): $out"
  fi
}

# --- the PyPI wheel ---------------------------------------------------------

python_side() {
  echo "== the PyPI wheel (maturin)"
  command -v python3 >/dev/null 2>&1 || { echo "skipped: the wheel: python3 is not installed"; return; }
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 \
    || { echo "skipped: the wheel: python3 has no venv/pip"; return; }
  python3 -m venv "$tmp/tools" >/dev/null 2>&1 \
    || { echo "skipped: the wheel: cannot create a python venv"; return; }
  "$tmp/tools/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.5,<2' pipx \
    > "$tmp/pip.log" 2>&1 \
    || { echo "skipped: the wheel: cannot install maturin from PyPI ($(tail -1 "$tmp/pip.log"))"; return; }

  local wheels="$tmp/wheels"
  if ! (cd "$root" && "$tmp/tools/bin/maturin" build --release --locked --quiet --out "$wheels" \
        > "$tmp/maturin.log" 2>&1); then
    fail "maturin build --release"
    tail -20 "$tmp/maturin.log"
    return
  fi
  local wheel
  wheel="$(ls "$wheels"/*.whl 2>/dev/null | head -1)"
  [ -n "$wheel" ] || { fail "maturin wrote no wheel"; return; }
  pass "maturin built $(basename "$wheel")"

  # A binary-only wheel: the executable as a script, no Python package.
  if python3 - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
scripts = [n for n in names if n.endswith(".data/scripts/plumbline")]
code = [n for n in names if n.endswith(".py") or n.endswith(".so")]
sys.exit(0 if scripts and not code else 1)
PY
  then
    pass "the wheel holds the binary as its only script and no Python code"
  else
    fail "the wheel's contents: $(python3 -c 'import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).namelist())' "$wheel")"
  fi

  # A clean virtualenv: pip install the wheel, nothing from an index.
  python3 -m venv "$tmp/clean"
  if "$tmp/clean/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel" \
       > "$tmp/install.log" 2>&1; then
    pass "pip install the wheel into a clean virtualenv"
    prove "venv plumbline" "$tmp/clean/bin/plumbline"
  else
    fail "pip install $wheel: $(tail -3 "$tmp/install.log")"
  fi

  # pipx run --spec WHEEL: a one-off run in pipx's own environment.
  export PIPX_HOME="$tmp/pipx-home" PIPX_BIN_DIR="$tmp/pipx-bin" PIPX_MAN_DIR="$tmp/pipx-man"
  if "$tmp/tools/bin/pipx" run --spec "$wheel" plumbline --version > "$tmp/pipx.log" 2>&1; then
    prove "pipx run" "$tmp/tools/bin/pipx" run --spec "$wheel" plumbline
  else
    fail "pipx run --spec WHEEL plumbline --version: $(tail -3 "$tmp/pipx.log")"
  fi

  pre_commit_with_wheel "$wheel"

  if command -v uvx >/dev/null 2>&1; then
    export UV_CACHE_DIR="$tmp/uv-cache"
    prove "uvx" uvx --offline --from "$wheel" plumbline
  else
    echo "skipped: uvx --from WHEEL: uv is not installed"
  fi
}

# The README's pre-commit hook for projects without Rust: a `repo: local`
# hook, `language: python`, whose additional dependency is the wheel. pip
# may use no index (only the wheel and setuptools, for pre-commit's
# placeholder package, from a local folder) and cargo is off PATH.
pre_commit_with_wheel() {
  local wheel="$1"
  if ! command -v git >/dev/null 2>&1; then
    echo "skipped: pre-commit with the wheel: git is not installed"
    return
  fi
  local links="$tmp/links"
  mkdir -p "$links"
  cp "$wheel" "$links/"
  if ! "$tmp/tools/bin/pip" install --quiet --disable-pip-version-check pre-commit > "$tmp/pip.log" 2>&1 \
     || ! "$tmp/tools/bin/pip" download --quiet --disable-pip-version-check --only-binary :all: \
            -d "$links" setuptools wheel > "$tmp/pip.log" 2>&1; then
    echo "skipped: pre-commit with the wheel: cannot install pre-commit from PyPI ($(tail -1 "$tmp/pip.log"))"
    return
  fi
  local version
  version="$(basename "$wheel" | cut -d- -f2)"
  local work="$tmp/pre-commit-work"
  mkdir -p "$work/src"
  git -C "$work" -c init.defaultBranch=main init -q
  printf '%s\n' 'export const GATEWAY = "https://diiiploy-gateway.diiiploy.workers.dev/v1";' > "$work/src/clean.ts"
  printf '%s\n' 'export const GATEWAY = "https://chi-gateway.example.workers.dev/v1";' > "$work/src/violating.ts"
  # The hook as the README's Install section writes it.
  sed -n '/^## Install$/,/^## /p' "$root/README.md" \
    | sed -n '/^# .pre-commit-config.yaml$/,/^```$/p' \
    | sed '/^```$/d' | sed -n '/^repos:/,$p' \
    | sed "s/plumbline-cli==[0-9A-Za-z.]*/plumbline-cli==$version/" > "$work/.pre-commit-config.yaml"
  grep -q 'additional_dependencies: \["plumbline-cli==' "$work/.pre-commit-config.yaml" \
    || { fail "the README's Install section has no pre-commit hook with the wheel"; return; }
  git -C "$work" add -A

  local out code
  out="$(cd "$work" && env PATH="$tmp/tools/bin:/usr/local/bin:/usr/bin:/bin" \
         PRE_COMMIT_HOME="$tmp/pre-commit-home" PRE_COMMIT_COLOR=never \
         PIP_NO_INDEX=1 PIP_FIND_LINKS="$links" \
         "$tmp/tools/bin/pre-commit" run --files src/clean.ts 2>&1)"
  code=$?
  if [ "$code" -eq 0 ]; then
    pass "pre-commit (language: python, the wheel, no cargo, no index) passes a clean file"
  else
    fail "pre-commit with the wheel on a clean file: exit $code: $(printf '%s\n' "$out" | tail -5)"
    return
  fi
  out="$(cd "$work" && env PATH="$tmp/tools/bin:/usr/local/bin:/usr/bin:/bin" \
         PRE_COMMIT_HOME="$tmp/pre-commit-home" PRE_COMMIT_COLOR=never \
         PIP_NO_INDEX=1 PIP_FIND_LINKS="$links" \
         "$tmp/tools/bin/pre-commit" run --files src/violating.ts 2>&1)"
  code=$?
  if [ "$code" -ne 0 ] && printf '%s' "$out" | grep -q 'forbidden-gateway-host'; then
    pass "pre-commit with the wheel blocks a violating file"
  else
    fail "pre-commit with the wheel on a violating file: exit $code: $(printf '%s\n' "$out" | tail -5)"
  fi
}

# --- the npm packages -------------------------------------------------------

npm_side() {
  echo "== the npm packages (npm/build.sh)"
  command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 \
    || { echo "skipped: the npm packages: node or npm is not installed"; return; }
  local platform
  platform="$(node -p 'process.platform + "-" + process.arch')"
  [ -f "$root/npm/platforms/$platform/package.json" ] \
    || { echo "skipped: the npm packages: no platform package for $platform in npm/platforms/"; return; }

  local tarballs
  if ! tarballs="$(bash "$root/npm/build.sh" --binary "$reference" --out "$tmp/npm" 2> "$tmp/npm-build.log")"; then
    fail "npm/build.sh: $(cat "$tmp/npm-build.log")"
    return
  fi
  local launcher platform_tgz
  launcher="$(printf '%s\n' "$tarballs" | sed -n 1p)"
  platform_tgz="$(printf '%s\n' "$tarballs" | sed -n 2p)"
  pass "npm/build.sh packed $(basename "$launcher") and $(basename "$platform_tgz")"

  # A clean node project that installs the two tarballs, registry unused.
  local project="$tmp/node-project"
  mkdir -p "$project"
  printf '{ "name": "clean-project", "version": "1.0.0", "private": true }\n' > "$project/package.json"
  export npm_config_cache="$tmp/npm-cache" npm_config_audit=false npm_config_fund=false \
    npm_config_update_notifier=false
  if (cd "$project" && npm install --offline --no-save --loglevel=error "$platform_tgz" "$launcher") \
       > "$tmp/npm-install.log" 2>&1; then
    pass "npm install --offline of the launcher and the platform package"
  else
    fail "npm install --offline: $(tail -5 "$tmp/npm-install.log")"
    return
  fi
  if [ -x "$project/node_modules/plumbline-cli-$platform/bin/plumbline" ]; then
    pass "the platform package's binary is installed executable"
  else
    fail "no executable node_modules/plumbline-cli-$platform/bin/plumbline"
  fi

  prove "npx plumbline" npx_in "$project"

  # Without the platform package the launcher says what to do, exit 2.
  local out code
  out="$(cd "$project" && rm -rf "node_modules/plumbline-cli-$platform" && npx --offline plumbline --version 2>&1)"
  code=$?
  if [ "$code" -eq 2 ] && printf '%s' "$out" | grep -q "plumbline-cli-$platform"; then
    pass "the launcher without its platform package names it and exits 2"
  else
    fail "the launcher without its platform package: exit $code: $out"
  fi
}

# `npx plumbline ARGS` with the node project's packages, in the current
# directory; --offline: the registry is never asked.
npx_in() {
  local project="$1"
  shift
  npx --offline --prefix "$project" plumbline "$@"
}

python_side
npm_side
finish
