#!/usr/bin/env bash
# One `myolog serve` and PEERS clinic machines syncing with it at the same time, each with
# EVENTS events of its own (release binary): every store converges to the same events, and the
# script prints the whole round's time, each peer's sync time, the server's slowest request
# (from its per-sync log lines) and its peak RSS.
#
# Usage: Tools/bench-serve.sh [PEERS] [EVENTS_PER_PEER]     (defaults: 8 peers, 10,000 events)
set -euo pipefail
# Syncs and serves record what they disclose, under a user (README: Audit).
export MYOLOG_USER=${MYOLOG_USER:-bench}
cd "$(dirname "$0")/.."
BIN=$(realpath "${MYOLOG_BINARY:-.build/release/myolog}")
PEERS=${1:-8}
EVENTS=${2:-10000}
[ -x "$BIN" ] || { echo "bench-serve: no $BIN; run: swift build -c release --product myolog" >&2; exit 1; }
WORK=$(mktemp -d /tmp/myolog-bench-serve-XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
id_of() { "$BIN" --store "$1" id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodeId"])'; }

"$BIN" --store "$WORK/hub" init --site "Head office" > /dev/null
for i in $(seq "$PEERS"); do
    "$BIN" --store "$WORK/peer$i" --as bench demo generate --patients $((EVENTS / 50)) --events-per-patient 50 --seed "$i" > /dev/null 2>&1
done
STORES=("$WORK/hub"); for i in $(seq "$PEERS"); do STORES+=("$WORK/peer$i"); done
declare -A IDS; for s in "${STORES[@]}"; do IDS[$s]=$(id_of "$s"); done
# One clinic: every machine trusts every other (events are relayed through the hub).
for s in "${STORES[@]}"; do for t in "${STORES[@]}"; do
    [ "$s" != "$t" ] && "$BIN" --store "$s" --as bench peer add "${IDS[$t]}" --name "$(basename "$t")" > /dev/null
done; done

"$BIN" --store "$WORK/hub" serve --listen 127.0.0.1:0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q Listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'https://[0-9.]*:[0-9]*' "$WORK/serve.out")

sync_all() {
    local round=$1 pids=()
    for i in $(seq "$PEERS"); do
        ( /usr/bin/time -f "%e" -o "$WORK/round$round.peer$i.time" "$BIN" --store "$WORK/peer$i" sync "$URL" > "$WORK/round$round.peer$i.out" 2>&1 ) &
        pids+=($!)
    done
    local failed=0
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ "$failed" = 0 ] || { echo "bench-serve: a sync failed:"; cat "$WORK"/round"$round".peer*.out; exit 1; }
}
START=$(date +%s%N)
sync_all 1
END=$(date +%s%N)
sync_all 2  # each peer now takes what the others sent the hub after its own first sync
RSS_SERVER=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")

TOTAL=$(sqlite3 "$WORK/hub/myolog.sqlite" 'SELECT count(*) FROM events')
for s in "${STORES[@]}"; do
    [ "$(sqlite3 "$s/myolog.sqlite" 'SELECT count(*) FROM events')" = "$TOTAL" ] || { echo "bench-serve: $(basename "$s") did not converge" >&2; exit 1; }
done
echo "$PEERS peers × $EVENTS events with one serve: all $((PEERS + 1)) stores converged on $TOTAL events"
echo "round 1 (every peer sends its events, at once): $(( (END - START) / 1000000 )) ms; per peer: $(cat "$WORK"/round1.peer*.time | tr '\n' ' ')s"
echo "round 2 (every peer takes the others' events): per peer $(cat "$WORK"/round2.peer*.time | tr '\n' ' ')s"
echo "slowest single request the server answered: $(grep -o 'slowest request [0-9]* ms' "$WORK/serve.err" | awk '{print $3}' | sort -n | tail -1) ms; server peak RSS $((RSS_SERVER / 1024)) MB"
