#!/usr/bin/env bash
# Builds the npm packages from a plumbline binary: the launcher
# `plumbline-cli` (npm/launcher, whose bin is `plumbline`) and the platform
# package holding the binary (npm/platforms/<os>-<cpu>, published as
# `plumbline-cli-<os>-<cpu>`). The templates are copied to the output
# folder, both versions are set to Cargo.toml's, the binary is copied in,
# and `npm pack` writes one tarball per package there. The repository's
# files are not changed.
#
#   npm/build.sh [--binary PATH] [--platform OS-CPU] [--out DIR]
#
# Defaults: target/release/plumbline, the machine's own platform as node
# names it (linux-x64, darwin-arm64, ...), target/npm. Prints the tarballs'
# paths, launcher first. Publish with `npm publish` on each tarball,
# platform packages first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

binary="$root/target/release/plumbline"
platform=""
out="$root/target/npm"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --platform) platform="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "npm/build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "npm/build.sh: $*" >&2; exit 2; }
command -v node >/dev/null 2>&1 || die "node is not installed"
command -v npm >/dev/null 2>&1 || die "npm is not installed"
[ -n "$platform" ] || platform="$(node -p 'process.platform + "-" + process.arch')"
template="$root/npm/platforms/$platform"
[ -f "$template/package.json" ] \
  || die "no platform package for $platform: add npm/platforms/$platform/package.json (os and cpu fields) and name it in npm/launcher/package.json's optionalDependencies"
[ -x "$binary" ] || die "no executable binary at $binary: run cargo build --release, or pass --binary"

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)"
[ -n "$version" ] || die "cannot read the version from Cargo.toml"

mkdir -p "$out"
stage="$(mktemp -d "$out/stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

# The platform package: its manifest and the binary.
cp -R "$template" "$stage/platform"
mkdir -p "$stage/platform/bin"
cp "$binary" "$stage/platform/bin/plumbline"
chmod 0755 "$stage/platform/bin/plumbline"

# The launcher: its manifest, the bin script and the README.
cp -R "$root/npm/launcher" "$stage/launcher"
cp "$root/README.md" "$stage/launcher/README.md"
chmod 0755 "$stage/launcher/bin/plumbline.js"

# One version for all: Cargo.toml's, in both manifests and in the
# launcher's optionalDependencies.
VERSION="$version" PLATFORM_NAME="plumbline-cli-$platform" node - "$stage" <<'JS'
const fs = require("fs");
const path = require("path");
const stage = process.argv[2];
const version = process.env.VERSION;
const edit = (file, change) => {
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  change(manifest);
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
};
edit(path.join(stage, "platform", "package.json"), (m) => {
  if (m.name !== process.env.PLATFORM_NAME) {
    throw new Error(`platform package is named ${m.name}, expected ${process.env.PLATFORM_NAME}`);
  }
  m.version = version;
});
edit(path.join(stage, "launcher", "package.json"), (m) => {
  m.version = version;
  if (!(process.env.PLATFORM_NAME in (m.optionalDependencies || {}))) {
    throw new Error(`npm/launcher/package.json's optionalDependencies do not name ${process.env.PLATFORM_NAME}`);
  }
  for (const name of Object.keys(m.optionalDependencies)) {
    m.optionalDependencies[name] = version;
  }
});
JS

pack() { (cd "$1" && npm pack --silent --pack-destination "$out" | tail -1); }
platform_tgz="$out/$(pack "$stage/platform")"
launcher_tgz="$out/$(pack "$stage/launcher")"
echo "$launcher_tgz"
echo "$platform_tgz"
