#!/usr/bin/env bash
# What signing and verifying cost: bulk append, rebuild and initial sync (path and HTTP) with two
# release binaries — one built before signatures (issue 6), one after — measured in one run,
# alternating, so both see the same machine. Issue 6's budget: at most 20 % slower.
#
#   1. bulk append: `demo generate` of P patients × 50 events, one transaction per patient (the
#      write path with validation, hash chain, views, and — after — one signature per commit);
#   2. rebuild: `rebuild` of that store (the fold; signatures are not involved);
#   3. initial path sync: an empty store pulls the whole store (`sync DIR`): every event checked,
#      and — after — every commit's signature verified;
#   4. initial HTTP sync: the same over `serve` (after: HTTPS with mutual TLS).
#
# Usage: Tools/bench-trust.sh BEFORE_BINARY AFTER_BINARY [PATIENTS] [ROUNDS]
set -euo pipefail
# Syncs and serves record what they disclose, under a user (README: Audit).
export MYOLOG_USER=${MYOLOG_USER:-bench}
BEFORE=$1 AFTER=$2 PATIENTS=${3:-2000} ROUNDS=${4:-2}
EVENTS=$((PATIENTS * 50))
WORK=$(mktemp -d /tmp/myolog-bench-trust-XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

seconds() { local start=$1 end=$2; awk "BEGIN {printf \"%.2f\", ($end - $start) / 1e9}"; }
node() { "$1" --store "$2" --json id | python3 -c 'import json, sys; print(json.load(sys.stdin)["nodeId"])'; }
# Both stores trust each other, where the binary has a trust list.
trust() {
    local bin=$1 a=$2 b=$3
    if "$bin" --help | grep -qE "^ +peer "; then
        "$bin" --store "$a" --as bench peer add "$(node "$bin" "$b")" --name b > /dev/null
        "$bin" --store "$b" --as bench peer add "$(node "$bin" "$a")" --name a > /dev/null
    fi
}

run() {
    local label=$1 bin=$2 dir=$WORK/$1-$3
    mkdir -p "$dir"
    local t0 t1
    "$bin" --store "$dir/source" init --site Source > /dev/null
    t0=$(date +%s%N); "$bin" --store "$dir/source" --as bench demo generate --patients "$PATIENTS" --events-per-patient 50 --seed 7 > /dev/null; t1=$(date +%s%N)
    local append; append=$(seconds "$t0" "$t1")
    t0=$(date +%s%N); "$bin" --store "$dir/source" rebuild > /dev/null; t1=$(date +%s%N)
    local rebuild; rebuild=$(seconds "$t0" "$t1")
    local total; total=$(sqlite3 "$dir/source/myolog.sqlite" 'SELECT count(*) FROM events')
    "$bin" --store "$dir/path" init --site Path > /dev/null
    trust "$bin" "$dir/source" "$dir/path"
    t0=$(date +%s%N); "$bin" --store "$dir/path" sync "$dir/source" --batch-size 5000 > /dev/null; t1=$(date +%s%N)
    local path; path=$(seconds "$t0" "$t1")
    "$bin" --store "$dir/http" init --site HTTP > /dev/null
    trust "$bin" "$dir/source" "$dir/http"
    "$bin" --store "$dir/source" serve --listen 127.0.0.1:0 > "$dir/serve.out" 2> "$dir/serve.err" &
    SERVER=$!
    for _ in $(seq 100); do grep -q Listening "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
    local url; url=$(grep -oE 'https?://[0-9.]+:[0-9]+' "$dir/serve.out")
    t0=$(date +%s%N); "$bin" --store "$dir/http" sync "$url" --batch-size 5000 > /dev/null; t1=$(date +%s%N)
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
    local http; http=$(seconds "$t0" "$t1")
    printf "%-7s round %s: %d events | append %6.2f s %7.0f ev/s | rebuild %6.2f s %7.0f ev/s | path sync %6.2f s %7.0f ev/s | HTTP sync %6.2f s %7.0f ev/s\n" \
        "$label" "$3" "$total" "$append" "$(awk "BEGIN {print $total / $append}")" "$rebuild" "$(awk "BEGIN {print $total / $rebuild}")" \
        "$path" "$(awk "BEGIN {print $total / $path}")" "$http" "$(awk "BEGIN {print $total / $http}")" | tee -a "$WORK/results"
    rm -rf "$dir"
}

echo "bench-trust: $PATIENTS patients × 50 events ≈ $EVENTS events, $ROUNDS rounds, alternating before/after"
for round in $(seq "$ROUNDS"); do
    run before "$BEFORE" "$round"
    run after "$AFTER" "$round"
done
python3 - "$WORK/results" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    label = line.split()[0]
    rates = [float(x) for x in re.findall(r"([0-9.]+) ev/s", line)]
    rows.setdefault(label, []).append(rates)
best = {label: [max(r[i] for r in runs) for i in range(4)] for label, runs in rows.items()}
names = ["bulk append", "rebuild", "initial path sync", "initial HTTP sync"]
print("\nbest of rounds (events/s):")
for i, name in enumerate(names):
    b, a = best["before"][i], best["after"][i]
    print(f"  {name:18} before {b:8.0f}  after {a:8.0f}  change {100 * (a - b) / b:+6.1f} %")
PY
