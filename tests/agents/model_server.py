"""Stand-in model servers on 127.0.0.1 for the end-to-end agent suite.

Each server answers the real client's first main-loop request (one that
offers the scripted tool) with exactly one call of that tool, answers every
other request with a plain "done", and keeps what the client sent back as the
tool's result, so a scenario can check that plumbline's reason reached the
model.

Two wire protocols:

* Anthropic Messages (`POST /v1/messages`, streamed as server-sent events
  when the request asks for it): Claude Code, and Copilot CLI in its own
  provider mode with `COPILOT_PROVIDER_TYPE=anthropic`.
* OpenAI Responses (`POST /v1/responses`, always streamed): Codex CLI, and
  Copilot CLI with `COPILOT_PROVIDER_TYPE=openai` and the responses wire API.

Python 3.11 standard library only.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class ToolCall:
    """The one tool call a scenario scripts.

    `kind` matters to the Responses API only: "function" sends JSON
    arguments, "custom" sends free text (Codex's `apply_patch` grammar tool).
    """

    name: str
    input: Any
    kind: str = "function"


@dataclass
class Exchange:
    """What the client did with the scripted call, as the server saw it."""

    requests: int = 0
    offered_tools: list[str] = field(default_factory=list)
    tool_sent: bool = False
    tool_results: list[str] = field(default_factory=list)


def _text_of(content: Any) -> str:
    """The text inside a tool result, whatever block structure it uses."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(_text_of(part) for part in content)
    if isinstance(content, dict):
        for key in ("text", "output", "content"):
            if key in content:
                return _text_of(content[key])
        return json.dumps(content)
    return str(content)


def _sse(events: list[dict]) -> bytes:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


class _Handler(BaseHTTPRequestHandler):
    """Shared plumbing; `server` is a `ModelServer` subclass instance."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep the runner's output clean
        pass

    def _body(self) -> dict:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}

    def _send(self, status: int, data: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        if "models" in self.path:
            self._send(200, b'{"object":"list","data":[],"models":[]}')
        else:
            self._send(404, b"{}")

    def do_POST(self) -> None:
        body = self._body()
        with self.server.lock:  # type: ignore[attr-defined]
            status, data, content_type = self.server.answer(self.path, body)  # type: ignore[attr-defined]
        self._send(status, data, content_type)


class ModelServer(ThreadingHTTPServer):
    """A loopback server on a free port, serving from a daemon thread."""

    daemon_threads = True

    def __init__(self, call: ToolCall) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.call = call
        self.exchange = Exchange()
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> "ModelServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()
        self.server_close()

    def answer(self, path: str, body: dict) -> tuple[int, bytes, str]:
        raise NotImplementedError

    def _should_call(self, offered: list[str], has_results: bool) -> bool:
        """The scripted call goes out once, on a request that offers the tool."""
        ex = self.exchange
        ex.requests += 1
        if offered and not ex.offered_tools:
            ex.offered_tools = offered
        if self.call.name in offered and not has_results and not ex.tool_sent:
            ex.tool_sent = True
            return True
        return False


class AnthropicServer(ModelServer):
    """Anthropic Messages API."""

    def answer(self, path: str, body: dict) -> tuple[int, bytes, str]:
        if "count_tokens" in path:
            return 200, b'{"input_tokens": 10}', "application/json"
        if not path.split("?")[0].endswith("/messages"):
            return 200, b"{}", "application/json"
        offered = [t.get("name", "") for t in body.get("tools") or [] if isinstance(t, dict)]
        results = self._tool_results(body.get("messages") or [])
        self.exchange.tool_results.extend(results)
        if self._should_call(offered, bool(results)):
            blocks = [{"type": "tool_use", "id": "toolu_01PlumblineAgentSuite", "name": self.call.name,
                       "input": self.call.input}]
            stop = "tool_use"
        else:
            blocks = [{"type": "text", "text": "done"}]
            stop = "end_turn"
        model = body.get("model", "claude-stand-in")
        if body.get("stream"):
            return 200, _sse(self._events(model, blocks, stop)), "text/event-stream"
        message = {"id": "msg_stand_in", "type": "message", "role": "assistant", "model": model,
                   "content": blocks, "stop_reason": stop, "stop_sequence": None,
                   "usage": {"input_tokens": 10, "output_tokens": 20}}
        return 200, json.dumps(message).encode(), "application/json"

    @staticmethod
    def _tool_results(messages: list) -> list[str]:
        last = messages[-1] if messages else {}
        content = last.get("content") if isinstance(last, dict) else None
        if not isinstance(content, list):
            return []
        return [_text_of(c.get("content")) for c in content
                if isinstance(c, dict) and c.get("type") == "tool_result"]

    @staticmethod
    def _events(model: str, blocks: list[dict], stop: str) -> list[dict]:
        events: list[dict] = [{"type": "message_start", "message": {
            "id": "msg_stand_in", "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 1}}}]
        for index, block in enumerate(blocks):
            if block["type"] == "text":
                events.append({"type": "content_block_start", "index": index,
                               "content_block": {"type": "text", "text": ""}})
                events.append({"type": "content_block_delta", "index": index,
                               "delta": {"type": "text_delta", "text": block["text"]}})
            else:
                events.append({"type": "content_block_start", "index": index, "content_block": {
                    "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}})
                events.append({"type": "content_block_delta", "index": index, "delta": {
                    "type": "input_json_delta", "partial_json": json.dumps(block["input"])}})
            events.append({"type": "content_block_stop", "index": index})
        events.append({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                       "usage": {"output_tokens": 20}})
        events.append({"type": "message_stop"})
        return events


class ResponsesServer(ModelServer):
    """OpenAI Responses API."""

    OUTPUT_TYPES = ("function_call_output", "custom_tool_call_output")

    def answer(self, path: str, body: dict) -> tuple[int, bytes, str]:
        if not path.split("?")[0].endswith("/responses"):
            return 404, b"{}", "application/json"
        offered = [t.get("name") or t.get("type") or "" for t in body.get("tools") or []
                   if isinstance(t, dict)]
        inputs = body.get("input") if isinstance(body.get("input"), list) else []
        results = [_text_of(i.get("output")) for i in inputs
                   if isinstance(i, dict) and i.get("type") in self.OUTPUT_TYPES]
        if results and not self.exchange.tool_results:
            self.exchange.tool_results.extend(results)
        if self._should_call(offered, bool(results)):
            item = self._call_item()
        else:
            item = {"type": "message", "id": "msg_stand_in", "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": "done", "annotations": []}]}
        events = [{"type": "response.created", "response": {"id": "resp_stand_in"}},
                  {"type": "response.output_item.added", "output_index": 0, "item": item},
                  {"type": "response.output_item.done", "output_index": 0, "item": item},
                  {"type": "response.completed", "response": {
                      "id": "resp_stand_in", "status": "completed", "output": [item],
                      "usage": {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
                                "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
                                "total_tokens": 15}}}]
        return 200, _sse(events), "text/event-stream"

    def _call_item(self) -> dict:
        if self.call.kind == "custom":
            return {"type": "custom_tool_call", "id": "ctc_stand_in", "call_id": "call_stand_in",
                    "name": self.call.name, "input": self.call.input, "status": "completed"}
        return {"type": "function_call", "id": "fc_stand_in", "call_id": "call_stand_in",
                "name": self.call.name, "arguments": json.dumps(self.call.input), "status": "completed"}
