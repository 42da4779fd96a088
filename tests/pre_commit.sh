#!/usr/bin/env bash
# Proves .pre-commit-hooks.yaml with the real pre-commit framework (from
# PyPI): in a throwaway repository, `pre-commit try-repo` on this checkout
# passes a clean file and fails a violating one, and a git pre-commit hook
# that runs `pre-commit try-repo` lets a clean commit through and blocks a
# violating one. The hook `plumbline-python` (language: python, the
# repository installed as its wheel) passes the clean file and fails the
# violating one too.
#
# try-repo needs a git repository whose commit holds the hooks file, so the
# checkout as it is on disk (tracked and untracked, not ignored, files) is
# first copied into a temporary repository and committed there: the script
# tests the working checkout, committed or not.
#
# pre-commit builds plumbline with `cargo install` (language: rust). The
# build goes to target/pre-commit-test (kept between runs) with a fast
# release profile; CARGO_HOME is the usual one, so crates are not fetched
# again. Prints "skipped: ..." and exits 0 without python3, git or cargo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The runs below leave no per-file cache in the checkout.
export PLUMBLINE_NO_CACHE=1

skip() {
  echo "skipped: $*"
  exit 0
}
command -v git >/dev/null 2>&1 || skip "git is not installed"
command -v cargo >/dev/null 2>&1 || skip "cargo is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || skip "python3 has no venv/pip"

start=$SECONDS
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== installing pre-commit into a venv"
python3 -m venv "$tmp/venv" >/dev/null 2>&1 || skip "cannot create a python venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit \
  || skip "cannot install pre-commit from PyPI"
export PATH="$tmp/venv/bin:$PATH"
pre-commit --version

git_quiet() { git -c init.defaultBranch=main -c user.name=plumbline-test \
  -c user.email=test@example.com -c commit.gpgsign=false "$@"; }

echo "== snapshotting the checkout into a temporary repository"
src="$tmp/plumbline-src"
mkdir "$src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) \
  | (cd "$root" && while IFS= read -r -d '' f; do
       [ -f "$f" ] && printf '%s\0' "$f"
     done) \
  | tar -C "$root" --null -T - -cf - | tar -C "$src" -xf -
git_quiet -C "$src" init -q
git_quiet -C "$src" add -A
git_quiet -C "$src" commit -q -m snapshot

# The fast build pre-commit's `cargo install` gets (it passes the
# environment through to cargo).
export CARGO_TARGET_DIR="$root/target/pre-commit-test"
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_TERM_COLOR=never
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export PRE_COMMIT_COLOR=never
export NO_COLOR=1

work="$tmp/work"
mkdir -p "$work/src"
git_quiet -C "$work" init -q
git_quiet -C "$work" commit -q --allow-empty -m init
cd "$work"
clean='export const GATEWAY = "https://diiiploy-gateway.diiiploy.workers.dev/v1";'
violating='export const GATEWAY = "https://chi-gateway.example.workers.dev/v1";'
printf '%s\n' "$clean" > src/clean.ts
printf '%s\n' "$violating" > src/violating.ts

fail() {
  echo "FAIL: $*"
  exit 1
}

echo "== pre-commit try-repo on a clean file (builds plumbline)"
pre-commit try-repo "$src" plumbline --files src/clean.ts \
  || fail "try-repo failed on a clean file"

echo "== pre-commit try-repo on a violating file"
if pre-commit try-repo "$src" plumbline --files src/violating.ts > "$tmp/out.txt" 2>&1; then
  cat "$tmp/out.txt"
  fail "try-repo passed a violating file"
fi
grep -q "forbidden-gateway-host" "$tmp/out.txt" || { cat "$tmp/out.txt"; fail "no finding shown"; }

echo "== commits through a git hook that runs pre-commit try-repo on the staged files"
cat > .git/hooks/pre-commit <<EOF
#!/bin/sh
exec pre-commit try-repo "$src" plumbline
EOF
chmod +x .git/hooks/pre-commit

git_quiet add src/clean.ts
git_quiet commit -q -m "clean" || fail "the clean commit was blocked"

git_quiet add src/violating.ts
if git_quiet commit -q -m "violating" > "$tmp/out.txt" 2>&1; then
  cat "$tmp/out.txt"
  fail "the violating commit went through"
fi
grep -q "forbidden-gateway-host" "$tmp/out.txt" || { cat "$tmp/out.txt"; fail "no finding shown"; }
[ "$(git log --format=%s -1)" = "clean" ] || fail "the violating commit landed"
echo "(blocked as expected:)"
grep -E "plumbline\.|forbidden-gateway-host|error" "$tmp/out.txt" | head -5

echo "== pre-commit try-repo, hook plumbline-python (pip builds the wheel with maturin)"
# language: python installs this repository with pip, whose build backend
# (pyproject.toml) is maturin from PyPI; maturin builds with cargo into the
# same fast target folder as above.
pre-commit try-repo "$src" plumbline-python --files src/clean.ts > "$tmp/out.txt" 2>&1 \
  || { tail -30 "$tmp/out.txt"; fail "the python hook failed on a clean file"; }
if pre-commit try-repo "$src" plumbline-python --files src/violating.ts > "$tmp/out.txt" 2>&1; then
  cat "$tmp/out.txt"
  fail "the python hook passed a violating file"
fi
grep -q "forbidden-gateway-host" "$tmp/out.txt" || { cat "$tmp/out.txt"; fail "no finding shown by the python hook"; }

echo "ok: pre-commit framework integration ($((SECONDS - start))s)"
