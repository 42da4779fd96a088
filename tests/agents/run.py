#!/usr/bin/env python3
"""End-to-end suite: plumbline's hook inside the real agent clients.

Installs pinned client versions from npm into a cache folder, writes each
client's settings with `plumbline init --agent X` in a fresh copy of
fixtures/hooks/project, and lets the real client make one scripted tool call
against a stand-in model server on 127.0.0.1 (see model_server.py). Gemini
CLI is driven through its core package's own hook pipeline and edit tool
(see gemini_driver.mjs). Each scenario in scenarios.json states its expected
outcome; the runner checks what the model got back as the tool result and
what landed on disk, prints one line per scenario and a closing line
"agents: N passed, M failed, K skipped".

    tests/agents/run.py [--record] [--only SUBSTRING ...] [--keep] [--verbose]

Environment:
  PLUMBLINE              the binary under test (default target/debug/plumbline)
  PLUMBLINE_AGENTS_CACHE the install cache (default ~/.cache/plumbline-agents)

--record saves the hook payload each client really sent, one per scenario, as
fixtures/hooks/recorded/<client>/<case>.json with the project path replaced
by __PROJECT__ (the hook command in the written settings is wrapped by
record_hook.sh for that run only).

A scenario (scenarios.json) has an `id` ("client/case"), `why`, the `tool`
and its `input` (with __PROJECT__ for the project folder), `kind` ("custom"
for a free-text Responses tool such as apply_patch), `provider` (Copilot:
"anthropic" or "openai"), `files` to add to the project first, `expect` and
`checks` on disk afterwards (`path` with `exists`, `has` or `lacks`):
  deny     not applied, and the model got plumbline's `reason` text
  blocked  not applied (denied or asked), and the model got plumbline's words;
           with `client_guards`, a client that refuses the call on its own
           counts too (plumbline's answer is then left to tests/hook_recorded.rs)
  allow    the checks hold after the call (and the result holds `result_has`)

Exit status: 0 when every scenario passed or was skipped (including "npm
cannot be reached": one "skipped: ..." line), 1 when a scenario failed, 2 on
a usage or setup error. Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the checkout

from model_server import AnthropicServer, ModelServer, ResponsesServer, ToolCall

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BASE_PROJECT = REPO / "fixtures" / "hooks" / "project"
RECORDED = REPO / "fixtures" / "hooks" / "recorded"
PROMPT = "apply the change"
CLIENT_TIMEOUT = 150


@dataclass(frozen=True)
class Client:
    """One pinned npm package and the file to run inside its install."""

    name: str
    package: str
    version: str
    executable: str  # relative to the install's node_modules


CLIENTS = {
    "claude": Client("claude", "@anthropic-ai/claude-code", "2.1.332",
                     "@anthropic-ai/claude-code-linux-x64/claude"),
    "codex": Client("codex", "@openai/codex", "0.171.0",
                    "@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"),
    "copilot": Client("copilot", "@github/copilot", "1.0.102",
                      "@github/copilot-linux-x64/copilot"),
    "gemini": Client("gemini", "@google/gemini-cli-core", "0.61.0",
                     "@google/gemini-cli-core"),
}


class InstallError(Exception):
    """A pinned client could not be installed although npm is reachable."""


# ---------------------------------------------------------------- installs


def cache_dir() -> Path:
    env = os.environ.get("PLUMBLINE_AGENTS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "plumbline-agents"


def installed_version(root: Path, client: Client) -> str | None:
    manifest = root / "node_modules" / client.package / "package.json"
    try:
        return json.loads(manifest.read_text()).get("version")
    except (OSError, ValueError):
        return None


def install(client: Client, cache: Path) -> Path:
    """The client's executable, installed from npm unless already cached."""
    root = cache / f"{client.name}-{client.version}"
    target = root / "node_modules" / client.executable
    if installed_version(root, client) == client.version and target.exists():
        return target
    if shutil.which("npm") is None:
        raise InstallError("npm is not installed")
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"private": true}\n')
    cmd = ["npm", "install", "--no-audit", "--no-fund", "--no-save", "--ignore-scripts",
           "--loglevel=error", "--cache", str(cache / "npm"), f"{client.package}@{client.version}"]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise InstallError(f"npm install {client.package}@{client.version} failed: {npm_error(done.stderr)}")
    if not target.exists():
        raise InstallError(f"{client.package} has no {client.executable} for this platform")
    return target


def registry_reachable() -> str | None:
    """None when npm can reach its registry, else why not."""
    if shutil.which("npm") is None:
        return "npm is not installed"
    try:
        done = subprocess.run(["npm", "ping", "--loglevel=error", "--fetch-retries=0",
                               "--fetch-timeout=15000"], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "the npm registry did not answer within 30 s"
    if done.returncode != 0:
        return f"the npm registry cannot be reached ({npm_error(done.stderr) or 'npm ping failed'})"
    return None


def npm_error(text: str) -> str:
    """The line of npm's error output that says what went wrong."""
    lines = [line.removeprefix("npm error").strip() for line in text.splitlines()]
    for wanted in (lambda l: "failed, reason:" in l, lambda l: l.startswith(("code ", "404"))):
        for line in lines:
            if wanted(line):
                return line.removeprefix("FetchError: ")
    return last_line(text)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


# ---------------------------------------------------------------- projects


@dataclass
class Run:
    """One scenario's throwaway folders."""

    root: Path

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def payloads(self) -> Path:
        return self.root / "payloads"


def prepare(run: Run, scenario: dict, plumbline: Path, agent: str, record: bool) -> None:
    """A fresh project with the scenario's files, committed, and the hook installed."""
    shutil.copytree(BASE_PROJECT, run.project)
    shutil.rmtree(run.project / ".claude", ignore_errors=True)
    for rel, text in scenario.get("files", {}).items():
        path = run.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in (run.home, run.bin, run.payloads):
        folder.mkdir(parents=True)
    (run.bin / "plumbline").symlink_to(plumbline)
    git = ["git", "-c", "user.name=plumbline-test", "-c", "user.email=test@example.com",
           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(git + args, cwd=run.project, check=True, capture_output=True)
    init = subprocess.run(["plumbline", "init", "--agent", agent], cwd=run.project,
                          env=base_env(run), capture_output=True, text=True)
    if init.returncode != 0:
        raise RuntimeError(f"plumbline init --agent {agent} failed: {init.stderr.strip()}")
    if record:
        wrap_hook_commands(settings_file(run.project, agent), run.payloads)


def settings_file(project: Path, agent: str) -> Path:
    return project / {
        "claude": ".claude/settings.json",
        "codex": ".codex/hooks.json",
        "copilot": ".github/hooks/plumbline.json",
        "gemini": ".gemini/settings.json",
    }[agent]


def wrap_hook_commands(path: Path, payloads: Path) -> None:
    """Prefix every plumbline hook command with record_hook.sh."""
    wrapper = HERE / "record_hook.sh"

    def walk(node):
        if isinstance(node, dict):
            return {k: (f"{wrapper} {payloads} {v}"
                        if k in ("command", "bash") and isinstance(v, str) and "hook" in v
                        and "plumbline" in v else walk(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    path.write_text(json.dumps(walk(json.loads(path.read_text())), indent=2) + "\n")


def base_env(run: Run) -> dict[str, str]:
    """A clean environment: no user config, no telemetry, plumbline on PATH."""
    env = {
        "PATH": f"{run.bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(run.home),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
    }
    node = shutil.which("node")
    if node:
        env["PATH"] = f"{run.bin}:{Path(node).parent}:/usr/local/bin:/usr/bin:/bin"
    return env


def fill(value, project: Path):
    """The scenario's input with __PROJECT__ made real."""
    return json.loads(json.dumps(value).replace("__PROJECT__", str(project)))


# ---------------------------------------------------------------- clients


@dataclass
class Outcome:
    """What one client run produced, from the model's and the disk's side."""

    tool_sent: bool
    tool_results: list[str]
    decision: str | None = None  # Gemini only: the hook pipeline's own verdict
    detail: str = ""


def run_client(cmd: list[str], env: dict[str, str], run: Run, name: str) -> str:
    try:
        done = subprocess.run(cmd, cwd=run.project, env=env, capture_output=True, text=True,
                              timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"{name} timed out after {CLIENT_TIMEOUT} s"
    (run.root / f"{name}.out").write_text(done.stdout)
    (run.root / f"{name}.err").write_text(done.stderr)
    return f"{name} exit {done.returncode}"


def with_server(server: ModelServer, start) -> Outcome:
    with server:
        detail = start(server.port)
    ex = server.exchange
    if not ex.tool_sent and ex.offered_tools:
        detail += f"; offered tools: {', '.join(ex.offered_tools[:40])}"
    elif not ex.requests:
        detail += "; the client never called the model"
    return Outcome(ex.tool_sent, ex.tool_results, detail=detail)


def supabase_mcp_config(run: Run) -> Path:
    """Claude Code's --mcp-config for the stand-in Supabase server (mcp_supabase.py),
    which logs every SQL it is asked to run to mcp-executed.jsonl in the project."""
    config = run.root / "mcp.json"
    server = {"command": sys.executable,
              "args": [str(HERE / "mcp_supabase.py"), str(run.project / "mcp-executed.jsonl")]}
    config.write_text(json.dumps({"mcpServers": {"supabase": server}}, indent=2))
    return config


def drive_claude(exe: Path, run: Run, call: ToolCall, scenario: dict) -> Outcome:
    def start(port: int) -> str:
        env = base_env(run) | {
            "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
            "ANTHROPIC_API_KEY": "sk-ant-stand-in",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_AUTOUPDATER": "1",
        }
        cmd = [str(exe), "-p", PROMPT, "--permission-mode", "acceptEdits",
               "--allowedTools", "Bash", "--output-format", "json"]
        if call.name.startswith("mcp__supabase__"):
            cmd += ["--mcp-config", str(supabase_mcp_config(run)), "--allowedTools", call.name]
            env["ENABLE_TOOL_SEARCH"] = "false"  # offer MCP tools up front, not deferred
        return run_client(cmd, env, run, "claude")

    return with_server(AnthropicServer(call), start)


def drive_codex(exe: Path, run: Run, call: ToolCall, scenario: dict) -> Outcome:
    def start(port: int) -> str:
        (run.home / "config.toml").write_text(
            'model = "gpt-5.5"\nmodel_provider = "stand-in"\napproval_policy = "never"\n'
            'sandbox_mode = "danger-full-access"\n\n'
            '[model_providers.stand-in]\nname = "stand-in"\n'
            f'base_url = "http://127.0.0.1:{port}/v1"\nwire_api = "responses"\nenv_key = "STAND_IN_KEY"\n\n'
            f'[projects."{run.project}"]\ntrust_level = "trusted"\n')
        env = base_env(run) | {"CODEX_HOME": str(run.home), "STAND_IN_KEY": "stand-in"}
        # Codex runs a project's hooks only once their content is trusted
        # (persisted per hook hash); the suite vets its own hooks.
        cmd = [str(exe), "exec", "--skip-git-repo-check", "--dangerously-bypass-hook-trust",
               "--json", PROMPT]
        return run_client(cmd, env, run, "codex")

    return with_server(ResponsesServer(call), start)


def drive_copilot(exe: Path, run: Run, call: ToolCall, scenario: dict) -> Outcome:
    openai = scenario.get("provider") == "openai"

    def start(port: int) -> str:
        env = base_env(run) | {
            "COPILOT_PROVIDER_TYPE": "openai" if openai else "anthropic",
            "COPILOT_PROVIDER_BASE_URL": f"http://127.0.0.1:{port}" + ("/v1" if openai else ""),
            "COPILOT_PROVIDER_API_KEY": "stand-in",
            "COPILOT_PROVIDER_WIRE_API": "responses" if openai else "completions",
            "COPILOT_MODEL": "gpt-5.4" if openai else "claude-sonnet-4.5",
            "COPILOT_AUTO_UPDATE": "false",
        }
        cmd = [str(exe), "-p", PROMPT, "--allow-all-tools", "--trust-folder",
               "--output-format", "json"]
        return run_client(cmd, env, run, "copilot")

    server = ResponsesServer(call) if openai else AnthropicServer(call)
    return with_server(server, start)


def drive_gemini(core: Path, run: Run, call: ToolCall, scenario: dict) -> Outcome:
    cmd = ["node", str(HERE / "gemini_driver.mjs"), str(core), str(run.project), call.name,
           json.dumps(call.input)]
    try:
        done = subprocess.run(cmd, cwd=run.project, env=base_env(run), capture_output=True,
                              text=True, timeout=CLIENT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return Outcome(True, [], detail=f"gemini driver timed out after {CLIENT_TIMEOUT} s")
    (run.root / "gemini.out").write_text(done.stdout)
    (run.root / "gemini.err").write_text(done.stderr)
    answers = [line for line in done.stdout.splitlines() if line.startswith('{"decision"')]
    if not answers:
        return Outcome(True, [], detail=f"gemini driver exit {done.returncode}: {last_line(done.stderr)}")
    answer = json.loads(answers[-1])
    results = [answer["reason"]] if answer.get("reason") else []
    detail = f"gemini hook: {answer['decision']}"
    if answer.get("error"):
        detail += f"; edit not applied: {answer['error'][:120]}"
    if answer.get("hook_errors"):
        detail += f"; hook errors: {'; '.join(answer['hook_errors'])[:160]}"
    return Outcome(True, results, decision=answer["decision"], detail=detail)


DRIVERS = {"claude": drive_claude, "codex": drive_codex, "copilot": drive_copilot,
           "gemini": drive_gemini}


# ---------------------------------------------------------------- verdicts


def check_disk(project: Path, checks: list[dict]) -> list[str]:
    """The scenario's on-disk expectations that do not hold."""
    problems = []
    for check in checks:
        path = project / check["path"]
        exists = path.is_file()
        if "exists" in check and exists != check["exists"]:
            problems.append(f"{check['path']} {'exists' if exists else 'is missing'}")
            continue
        text = path.read_text(errors="replace") if exists else ""
        if "has" in check and check["has"] not in text:
            problems.append(f"{check['path']} lacks {check['has']!r}")
        if "lacks" in check and check["lacks"] in text:
            problems.append(f"{check['path']} now holds {check['lacks']!r}")
    return problems


def verdict(scenario: dict, outcome: Outcome, project: Path) -> tuple[bool, str]:
    """Pass or fail, and why, in a few words."""
    if not outcome.tool_sent:
        return False, f"the scripted {scenario['tool']} call was never made ({outcome.detail})"
    problems = check_disk(project, scenario["checks"])
    expect = scenario["expect"]
    reason = scenario.get("reason")
    # Paths in a client's own messages must not count as plumbline's words.
    seen = "\n".join(outcome.tool_results).replace(str(project), "<project>")
    if expect in ("deny", "blocked"):
        if outcome.decision == "allow" or problems:
            what = "; ".join(problems) or "the hook allowed it"
            return False, f"expected {expect}, but it went through: {what}"
        # The client may block a call on its own (Claude Code guards its
        # settings files and paths outside the project): only plumbline's
        # answer counts.
        wanted = reason if expect == "deny" and reason else "plumbline"
        if wanted not in seen and scenario.get("client_guards"):
            return True, "blocked by the client itself (plumbline's answer: tests/hook_recorded.rs)"
        if wanted not in seen:
            shown = seen.strip().replace("\n", " ")[:160] or "nothing"
            return False, f"not blocked by plumbline (the model never got {wanted!r}); it got: {shown}"
        return True, "blocked, reason reached the model"
    wanted = scenario.get("result_has")
    if wanted and wanted not in seen:
        problems.append(f"the tool result lacks {wanted!r}")
    if problems:
        shown = seen.strip().replace("\n", " ")[:160] or "nothing"
        return False, f"expected the call to go through: {'; '.join(problems)}; the model got: {shown}"
    return True, "applied" if scenario["checks"] else "went through"


# ---------------------------------------------------------------- recording


def save_payload(run: Run, scenario: dict, agent: str) -> str:
    """The recorded payload of the scenario's tool call, as a fixture."""
    tool = scenario["tool"].lower()
    texts = [path.read_text() for path in sorted(run.payloads.glob("*.json"))]
    if not texts:
        return "no payload recorded"
    # The scripted call's payload; a client may name the tool differently in
    # its hook (Codex's exec_command is "Bash"), so one payload is taken as is.
    chosen = texts[0] if len(texts) == 1 else None
    for text in texts:
        try:
            payload = json.loads(text)
        except ValueError:
            continue
        name = payload.get("tool_name") or payload.get("toolName")
        if isinstance(name, str) and name.lower() == tool:
            chosen = text
    if chosen is None:
        return f"{len(texts)} payloads recorded, none for {scenario['tool']}"
    project = str(run.project)
    text = (chosen.replace(project, "__PROJECT__")
            .replace(re.sub("[^A-Za-z0-9]", "-", project), "__PROJECT__")  # Claude's transcripts
            .replace(str(run.home), "~")
            .replace(str(run.root), "__RUN__"))
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    except ValueError:
        pass
    case = scenario["id"].split("/", 1)[1]
    target = RECORDED / agent / f"{case}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return f"recorded {target.relative_to(REPO)}"


# ---------------------------------------------------------------- main


def prepare_clients(agents: list[str]) -> tuple[dict[str, Path], dict[str, str]]:
    """Each client's executable, and why a client cannot run (a failure)."""
    cache = cache_dir()
    started = time.monotonic()
    ready: dict[str, Path] = {}
    broken: dict[str, str] = {}
    for agent in agents:
        try:
            ready[agent] = install(CLIENTS[agent], cache)
        except InstallError as why:
            broken[agent] = str(why)
        except (OSError, subprocess.SubprocessError) as e:
            broken[agent] = f"cannot install {CLIENTS[agent].package}: {e}"
    print(f"agents: clients ready in {time.monotonic() - started:.1f} s (cache {cache})")
    return ready, broken


def needs_install(agents: list[str]) -> bool:
    cache = cache_dir()
    return any(installed_version(cache / f"{CLIENTS[a].name}-{CLIENTS[a].version}", CLIENTS[a])
               != CLIENTS[a].version for a in agents)


def run_scenario(scenario: dict, exe: Path, plumbline: Path, args: argparse.Namespace) -> bool:
    """Runs one scenario in a throwaway folder, prints its line, returns pass or fail."""
    agent = scenario["id"].split("/")[0]
    label = f"{scenario['id']:<40} expect {scenario['expect']:<7}"
    root = Path(tempfile.mkdtemp(prefix="agent-run-"))
    run = Run(root)
    started = time.monotonic()
    outcome = None
    try:
        prepare(run, scenario, plumbline, agent, args.record)
        call = ToolCall(scenario["tool"], fill(scenario["input"], run.project),
                        scenario.get("kind", "function"))
        outcome = DRIVERS[agent](exe, run, call, scenario)
        ok, why = verdict(scenario, outcome, run.project)
    except (OSError, RuntimeError, subprocess.SubprocessError, ValueError) as e:
        ok, why = False, f"setup error: {e}"
    note = ""
    if args.record and outcome is not None:
        note = f" [{save_payload(run, scenario, agent)}]"
    seconds = time.monotonic() - started
    print(f"{'ok  ' if ok else 'FAIL'} {label} {why} ({seconds:.1f} s){note}")
    if args.verbose and outcome is not None:
        print(f"     {outcome.detail}")
        for result in outcome.tool_results:
            print("     model got: " + result.strip().replace("\n", "\n                ")[:600])
    if args.keep:
        print(f"     kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true",
                        help="save each hook payload under fixtures/hooks/recorded/")
    parser.add_argument("--only", action="append", default=[], metavar="SUBSTRING",
                        help="run the scenarios whose id contains SUBSTRING (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep each run's folder and print it")
    parser.add_argument("--verbose", action="store_true", help="print what each client returned")
    args = parser.parse_args()

    plumbline = Path(os.environ.get("PLUMBLINE") or REPO / "target" / "debug" / "plumbline").resolve()
    if not plumbline.is_file():
        print(f"error: {plumbline} does not exist: build it with `cargo build` or set PLUMBLINE",
              file=sys.stderr)
        return 2
    scenarios = json.loads((HERE / "scenarios.json").read_text())["scenarios"]
    if args.only:
        scenarios = [s for s in scenarios if any(o in s["id"] for o in args.only)]
    if not scenarios:
        print("error: no scenario matches --only", file=sys.stderr)
        return 2
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        print(f"skipped: the pinned clients are installed for linux-x64 only, not "
              f"{platform.system()}-{platform.machine()}")
        return 0
    if shutil.which("node") is None:
        print("skipped: node is not installed; the agent clients need it")
        return 0
    agents = sorted({s["id"].split("/")[0] for s in scenarios})
    if needs_install(agents):
        unreachable = registry_reachable()
        if unreachable:
            print(f"skipped: {unreachable}; the agent clients cannot be installed")
            return 0

    started = time.monotonic()
    ready, broken = prepare_clients(agents)
    passed = failed = skipped = 0
    for scenario in scenarios:
        agent = scenario["id"].split("/")[0]
        if agent in broken:
            # A client npm could not install says nothing about plumbline.
            skipped += 1
            print(f"SKIP {scenario['id']:<40} expect {scenario['expect']:<7} {broken[agent]}")
        elif run_scenario(scenario, ready[agent], plumbline, args):
            passed += 1
        else:
            failed += 1
    total = time.monotonic() - started
    print(f"agents: {passed} passed, {failed} failed, {skipped} skipped ({total:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
