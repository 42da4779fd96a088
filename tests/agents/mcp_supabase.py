"""A stand-in for Supabase's MCP server (stdio, JSON-RPC 2.0, one message a line).

It offers the two tools that change a database, `execute_sql(query)` and
`apply_migration(name, query)`, and "runs" a call by appending its SQL to
LOG, so a scenario can tell whether the client went through with it.

    python3 mcp_supabase.py LOG

Python 3.11 standard library only.
"""

import json
import sys

LOG = sys.argv[1]
TOOLS = [
    {"name": "execute_sql", "description": "Executes raw SQL in the Postgres database.",
     "inputSchema": {"type": "object", "properties": {"query": {"type": "string"}},
                     "required": ["query"]}},
    {"name": "apply_migration", "description": "Applies a migration to the database.",
     "inputSchema": {"type": "object", "properties": {"name": {"type": "string"},
                                                      "query": {"type": "string"}},
                     "required": ["name", "query"]}},
]


def answer(request: dict):
    method = request.get("method")
    params = request.get("params") or {}
    if method == "initialize":
        return {"protocolVersion": params.get("protocolVersion", "2025-06-18"),
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "supabase", "version": "0.0.0-stand-in"}}
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        with open(LOG, "a") as log:
            log.write(json.dumps(params) + "\n")
        return {"content": [{"type": "text", "text": "[]"}]}
    if method == "ping":
        return {}
    return None


for line in sys.stdin:
    try:
        request = json.loads(line)
    except ValueError:
        continue
    if "id" not in request:  # a notification
        continue
    result = answer(request)
    if result is None:
        reply = {"jsonrpc": "2.0", "id": request["id"],
                 "error": {"code": -32601, "message": f"no method {request.get('method')}"}}
    else:
        reply = {"jsonrpc": "2.0", "id": request["id"], "result": result}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
