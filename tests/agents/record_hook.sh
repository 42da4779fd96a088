#!/bin/sh
# record_hook.sh FOLDER COMMAND...: keeps the hook payload on stdin as
# FOLDER/<nanoseconds>.json, then runs COMMAND with the same payload.
# Used only by `run.py --record`.
set -eu
folder=$1
shift
payload="$folder/$(date +%s%N)-$$.json"
cat > "$payload"
exec "$@" < "$payload"
