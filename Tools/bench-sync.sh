#!/usr/bin/env bash
# Sync figures between two local processes, with the release binary (swift build -c release):
#   1. initial sync over HTTP of a 1,000,000-event store into an empty one: events/s, and the
#      peak RSS of the client and of the server;
#   2. incremental sync of 10 new events into that 1,000,000-event store, end to end (process
#      start, summary, transfer, commit with views), five times;
#   3. initial sync of the same store over a path (`myolog sync DIR`), for comparison.
# The source store is the one Tools/Benchmarks builds and caches (its "patient's events on a
# 1,000,000-event store" benchmark), or any store; it is copied, never changed.
#
# Usage: Tools/bench-sync.sh [SOURCE_STORE] [BATCH_SIZE]
set -euo pipefail
# Syncs and serves record what they disclose, under a user (README: Audit).
export MYOLOG_USER=${MYOLOG_USER:-bench}
cd "$(dirname "$0")/.."
BIN=${MYOLOG_BINARY:-.build/release/myolog}
SOURCE=${1:-/tmp/myolog-benchmarks/million}
BATCH=${2:-5000}
[ -x "$BIN" ] || { echo "bench-sync: no $BIN; run: swift build -c release --product myolog" >&2; exit 1; }
[ -f "$SOURCE/myolog.sqlite" ] || { echo "bench-sync: no store at $SOURCE; run the Tools/Benchmarks suite once to build it" >&2; exit 1; }
WORK=$(mktemp -d /tmp/myolog-bench-sync-XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cp -r "$SOURCE" "$WORK/server"
chmod 700 "$WORK/server"
EVENTS=$(sqlite3 "$WORK/server/myolog.sqlite" 'SELECT count(*) FROM events')
id_of() { "$BIN" --store "$1" id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodeId"])'; }
"$BIN" --store "$WORK/http" init --site "HTTP client" > /dev/null
"$BIN" --store "$WORK/path" init --site "Path client" > /dev/null
# Trust both ways, as mutual TLS and path sync require.
for client in http path; do
    "$BIN" --store "$WORK/$client" --as bench peer add "$(id_of "$WORK/server")" --name server > /dev/null
    "$BIN" --store "$WORK/server" --as bench peer add "$(id_of "$WORK/$client")" --name "$client" > /dev/null
done
"$BIN" --store "$WORK/server" serve --listen 127.0.0.1:0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q Listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'https://[0-9.]*:[0-9]*' "$WORK/serve.out")

/usr/bin/time -f "%e %M" -o "$WORK/http.time" "$BIN" --store "$WORK/http" sync "$URL" --batch-size "$BATCH" > "$WORK/http.out"
read -r SECONDS_HTTP RSS_HTTP < "$WORK/http.time"
RSS_SERVER=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
echo "1. HTTP initial sync: $EVENTS events in ${SECONDS_HTTP} s = $(awk "BEGIN {printf \"%.0f\", $EVENTS / $SECONDS_HTTP}") events/s; peak RSS client $((RSS_HTTP / 1024)) MB, server $((RSS_SERVER / 1024)) MB (batch $BATCH)"

TIMES=()
for seed in 1 2 3 4 5; do
    "$BIN" --store "$WORK/http" --as bench demo generate --patients 1 --events-per-patient 10 --seed "$seed" > /dev/null 2>&1
    START=$(date +%s%N)
    "$BIN" --store "$WORK/http" sync "$URL" > "$WORK/inc.out"
    END=$(date +%s%N)
    grep -q "sent 10 events" "$WORK/inc.out" || { echo "bench-sync: expected 10 events sent: $(cat "$WORK/inc.out")" >&2; exit 1; }
    TIMES+=($(( (END - START) / 1000000 )))
done
echo "2. incremental HTTP sync of 10 new events into the $EVENTS-event store, end to end: ${TIMES[*]} ms"

kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
/usr/bin/time -f "%e %M" -o "$WORK/path.time" "$BIN" --store "$WORK/path" sync "$WORK/server" --batch-size "$BATCH" > "$WORK/path.out"
read -r SECONDS_PATH RSS_PATH < "$WORK/path.time"
echo "3. path initial sync: $EVENTS events in ${SECONDS_PATH} s = $(awk "BEGIN {printf \"%.0f\", $EVENTS / $SECONDS_PATH}") events/s; peak RSS $((RSS_PATH / 1024)) MB"
echo "server log (one line per sync):"; grep -c "sync " "$WORK/serve.err" | sed 's/^/  lines: /'
