#!/usr/bin/env node
// The `plumbline` command of the npm package plumbline-cli: finds the binary
// in the platform package npm installed beside this one
// (plumbline-cli-<os>-<cpu>, an optional dependency whose `os`/`cpu` fields
// match this machine, so npm installs only that one) and runs
// it with the same arguments, standard input and output, and exit code.
// PLUMBLINE_BINARY names another binary to run instead.
"use strict";

const { spawnSync } = require("child_process");
const { constants } = require("os");
const path = require("path");

/** The platform package's name for this machine, as in its package.json. */
function platformPackage() {
  return `plumbline-cli-${process.platform}-${process.arch}`;
}

/** The path of the binary to run, or exits 2 saying how to install one. */
function binaryPath() {
  if (process.env.PLUMBLINE_BINARY) {
    return process.env.PLUMBLINE_BINARY;
  }
  const name = platformPackage();
  const exe = process.platform === "win32" ? "plumbline.exe" : "plumbline";
  try {
    const manifest = require.resolve(`${name}/package.json`);
    return path.join(path.dirname(manifest), "bin", exe);
  } catch (_) {
    process.stderr.write(
      `plumbline: the package ${name}, which holds the plumbline binary for ` +
        `this machine, is not installed.\n` +
        `  If npm skipped optional dependencies (--omit=optional, --no-optional), ` +
        `reinstall without that flag.\n` +
        `  If there is no ${name} package, this platform has no prebuilt binary: ` +
        `install plumbline with pip (pip install plumbline-cli) or cargo ` +
        `(cargo install --git https://github.com/plumbline-dev/plumbline), or set PLUMBLINE_BINARY to a plumbline binary.\n`
    );
    process.exit(2);
  }
}

/** Runs the binary and ends this process the way the binary ended. */
function main() {
  const binary = binaryPath();
  const result = spawnSync(binary, process.argv.slice(2), {
    stdio: "inherit",
    windowsHide: true,
  });
  if (result.error) {
    process.stderr.write(`plumbline: cannot run ${binary}: ${result.error.message}\n`);
    process.exit(2);
  }
  if (result.signal) {
    // End by the same signal, so a caller sees what the binary saw.
    process.kill(process.pid, result.signal);
    process.exit(128 + (constants.signals[result.signal] || 0));
  }
  process.exit(result.status === null ? 2 : result.status);
}

main();
