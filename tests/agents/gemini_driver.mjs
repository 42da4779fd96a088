// Runs one Gemini CLI tool call through @google/gemini-cli-core's own hook
// pipeline (HookRegistry -> HookPlanner -> HookRunner -> HookAggregator,
// behind HookEventHandler, as the CLI's scheduler fires BeforeTool), then,
// when the hooks let it through, carries the call out the way the package's
// tools do: `replace` through its own `calculateReplacement` cascade,
// `write_file` as a plain write, `run_shell_command` with bash in `dir_path`.
//
//   node gemini_driver.mjs CORE_DIR PROJECT TOOL INPUT_JSON
//
// CORE_DIR is the installed package folder (node_modules/@google/gemini-cli-core).
// The hooks come from PROJECT/.gemini/settings.json, as `plumbline init
// --agent gemini` wrote it; the folder counts as trusted. Prints one JSON
// object: {"decision": "allow"|"deny"|"ask", "reason": ..., "applied": bool,
// "error": ...}. "reason" is what the scheduler hands the model as the
// tool's result when a hook blocks the call.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [coreDir, project, toolName, inputJson] = process.argv.slice(2);
const toolInput = JSON.parse(inputJson);
const load = (path) => import(pathToFileURL(join(coreDir, 'dist/src', path)).href);

const { HookRegistry } = await load('hooks/hookRegistry.js');
const { HookPlanner } = await load('hooks/hookPlanner.js');
const { HookRunner } = await load('hooks/hookRunner.js');
const { HookAggregator } = await load('hooks/hookAggregator.js');
const { HookEventHandler } = await load('hooks/hookEventHandler.js');
const { calculateReplacement, getErrorReplaceResult } = await load('tools/edit.js');

const settings = JSON.parse(readFileSync(join(project, '.gemini/settings.json'), 'utf8'));
const plansDir = mkdtempSync(join(tmpdir(), 'gemini-plans-'));

// The slice of the CLI's Config that the hook pipeline and the edit tool
// read. Anything else (telemetry, mostly) answers "off".
const known = {
  getHooks: () => settings.hooks,
  getProjectHooks: () => settings.hooks,
  getProjectRoot: () => project,
  getWorkingDir: () => project,
  getTargetDir: () => project,
  isTrustedFolder: () => true,
  getExtensions: () => [],
  getDisabledHooks: () => [],
  getSessionId: () => 'plumbline-agent-suite',
  sanitizationConfig: {
    allowedEnvironmentVariables: [],
    blockedEnvironmentVariables: [],
    enableEnvironmentVariableRedaction: false,
  },
  storage: { getPlansDir: () => plansDir },
};
const config = new Proxy(known, {
  get(target, prop) {
    if (prop in target) return target[prop];
    if (prop === 'then') return undefined;
    return () => undefined;
  },
});

const registry = new HookRegistry(config);
await registry.initialize();
const handler = new HookEventHandler(
  { config, geminiClient: undefined },
  new HookPlanner(registry),
  new HookRunner(config),
  new HookAggregator(),
);
const result = await handler.fireBeforeToolEvent(toolName, toolInput);
const output = result.finalOutput;

const answer = { decision: 'allow', reason: null, applied: false, error: null };
if (result.errors?.length) answer.hook_errors = result.errors.map((e) => e.message);
if (output?.isBlockingDecision()) {
  answer.decision = 'deny';
  answer.reason = output.getEffectiveReason();
} else if (output?.isAskDecision?.()) {
  answer.decision = 'ask';
  answer.reason = output.systemMessage ?? output.getEffectiveReason();
} else {
  try {
    answer.applied = await apply(toolName, toolInput);
  } catch (e) {
    answer.error = String(e?.message ?? e);
  }
}
process.stdout.write(JSON.stringify(answer) + '\n');
process.exit(0);

function inProject(path) {
  return isAbsolute(path) ? path : resolve(project, path);
}

async function apply(tool, input) {
  switch (tool) {
    case 'write_file': {
      const path = inProject(input.file_path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, input.content);
      return true;
    }
    case 'replace': {
      const path = inProject(input.file_path);
      const currentContent = readFileSync(path, 'utf8');
      const r = await calculateReplacement(config, {
        params: input,
        currentContent,
        abortSignal: new AbortController().signal,
      });
      const error = getErrorReplaceResult(input, r.occurrences, r.finalOldString, r.finalNewString);
      if (error) throw new Error(error.raw);
      writeFileSync(path, r.newContent);
      return true;
    }
    case 'run_shell_command': {
      const cwd = input.dir_path ? inProject(input.dir_path) : project;
      mkdirSync(cwd, { recursive: true });
      execFileSync('bash', ['-c', input.command], { cwd, stdio: 'ignore', timeout: 30000 });
      return true;
    }
    default:
      throw new Error(`the driver does not run ${tool}`);
  }
}
