#!/usr/bin/env bash
# The hub's stage budget (issue 32): one site's initial `myolog hub sync` into an empty hub on a
# throw-away PostgreSQL cluster, the client under `perf record`, the server's CPU from its
# processes' accounting; prints µs per event by stage as Markdown (Tools/hub-stage-budget.py).
#
# The hub's stages need a PostgreSQL server, which package-benchmark does not start: so they are
# measured here, around the real command, by where its CPU goes (symbols grouped into stages).
#
# Usage: Tools/hub-stage-budget.sh [EVENTS]          (default 100000; a multiple of 50)
#        MYOLOG_BINARY=/tmp/before-myolog Tools/hub-stage-budget.sh 100000
# Needs: perf, PostgreSQL's server binaries (initdb, pg_ctl), a release build.
set -euo pipefail
export MYOLOG_USER=${MYOLOG_USER:-bench}
cd "$(dirname "$0")/.."
BIN=$(realpath "${MYOLOG_BINARY:-.build/release/myolog}")
EVENTS=${1:-100000}
CACHE=${CACHE:-/tmp/myolog-benchmarks}
[ -x "$BIN" ] || { echo "hub-stage-budget: no $BIN; run: swift build -c release --product myolog" >&2; exit 1; }
command -v perf > /dev/null || { echo "hub-stage-budget: perf not found (apt install linux-perf)" >&2; exit 1; }
PGBIN=${MYOLOG_PG_BIN:-$(dirname "$(command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")}
[ -x "$PGBIN/initdb" ] || { echo "hub-stage-budget: no initdb (apt install postgresql)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/myolog-hub-budget-XXXXXX)
chmod 755 "$WORK"
DATA=$WORK/pg
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() { as_server "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop > /dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

# The site, generated once (seeded) and copied: a sync marks nothing in it, but a copy keeps the cache pristine.
mkdir -p "$CACHE"
SITE_CACHE=$CACHE/hub-budget-site-$EVENTS
if [ ! -f "$SITE_CACHE/myolog.sqlite" ]; then
    rm -rf "$SITE_CACHE" "$SITE_CACHE.tmp"
    "$BIN" --store "$SITE_CACHE.tmp" demo generate --patients $((EVENTS / 50)) --events-per-patient 50 --seed 1 > /dev/null
    mv "$SITE_CACHE.tmp" "$SITE_CACHE"
fi
cp -r "$SITE_CACHE" "$WORK/site"

# A throw-away cluster with the server's default durability (fsync on, as a hub runs).
mkdir -p "$DATA" && [ "$(id -u)" = 0 ] && chown nobody:nogroup "$DATA"
as_server "$PGBIN/initdb" -D "$DATA" -U bench --auth=trust -E UTF8 --locale=C.UTF-8 > /dev/null
as_server "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=40" start > /dev/null
POSTMASTER=$(head -1 "$DATA/postmaster.pid")
URL="postgresql://bench@127.0.0.1:$PORT/postgres"

id_of() { "$BIN" --store "$1" id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodeId"])'; }
"$BIN" --store "$WORK/hub" hub init --postgres "$URL" --site "Head office" > /dev/null
"$BIN" --store "$WORK/hub" peer add "$(id_of "$WORK/site")" --name site > /dev/null
"$BIN" --store "$WORK/site" peer add "$(id_of "$WORK/hub")" --name hub > /dev/null

# The server's CPU (ticks): the postmaster's own, its reaped children's, and its live children's.
server_ticks() {
    python3 - "$POSTMASTER" <<'PY'
import os, sys
root = int(sys.argv[1])
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
total = sum(int(x) for x in fields(root)[11:15])  # utime stime cutime cstime
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != root:
        try:
            f = fields(pid)
        except OSError:
            continue
        if int(f[1]) == root:
            total += int(f[11]) + int(f[12])
print(total)
PY
}
BEFORE=$(server_ticks)
START=$(date +%s%N)
perf record -q -g -F 999 -o "$WORK/perf.data" -- "$BIN" --store "$WORK/hub" hub sync "$WORK/site" > /dev/null 2> "$WORK/perf.log"
END=$(date +%s%N)
AFTER=$(server_ticks)
STORED=$(psql -X -A -t -h 127.0.0.1 -p "$PORT" -U bench -d postgres -c "SELECT count(*) FROM myolog.events" 2> /dev/null || echo "")
"$BIN" --store "$WORK/hub" hub verify > /dev/null || { echo "hub-stage-budget: hub verify failed" >&2; exit 1; }
perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio -g none --percent-limit 0 --show-nr-samples 2> /dev/null > "$WORK/report.txt"
python3 Tools/hub-stage-budget.py "$WORK/report.txt" --events "$EVENTS" --stored "${STORED:-0}" --wall-ns $((END - START)) \
    --server-ticks $((AFTER - BEFORE)) --ticks-per-second "$(getconf CLK_TCK)" --frequency 999
