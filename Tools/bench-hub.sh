#!/usr/bin/env bash
# Hub figures (issues 20 and 32), with the release binary (MYOLOG_BINARY, default
# .build/release/myolog: swift build -c release --product myolog)
# against a running PostgreSQL server that the PG* variables name (PGHOST, PGPORT, PGUSER,
# PGPASSWORD; the user may create databases). Each part makes its own databases, named
# myolog_bench_*, and drops them first.
#   1. initial sync of one site of SITE_EVENTS events (default 1,000,000) into an empty SQLite
#      store (`myolog sync DIR`) and into an empty hub (`myolog hub sync DIR`): events/s, RSS;
#   2. SITES simulated sites (default 100) of SITE_SIZE events each (default 10,000) syncing into
#      one empty hub, PARALLEL at a time (default 8), `hub sync --collect` (into the hub only: a
#      two-way sync would also send each site every other site's records, and the run would
#      measure that instead): total time, events/s, peak RSS of the largest `hub sync` process;
#   3. per-patient queries on that hub: `hub show P --json` end to end (process start included)
#      and the view SQL a BI tool runs for one patient (server-side execution time).
# Sites are generated once and cached in $CACHE (default /tmp/myolog-benchmarks).
#
# Usage: PGHOST=127.0.0.1 PGPORT=5432 PGUSER=me PGPASSWORD=… Tools/bench-hub.sh [1|2|all]
set -euo pipefail
export MYOLOG_USER=${MYOLOG_USER:-bench}
cd "$(dirname "$0")/.."
BIN=$(realpath "${MYOLOG_BINARY:-.build/release/myolog}")
PART=${1:-all}
SITE_EVENTS=${SITE_EVENTS:-1000000}
SITES=${SITES:-100}
SITE_SIZE=${SITE_SIZE:-10000}
PARALLEL=${PARALLEL:-8}
CACHE=${CACHE:-/tmp/myolog-benchmarks}
[ -x "$BIN" ] || { echo "bench-hub: no $BIN; run: swift build -c release --product myolog" >&2; exit 1; }
command -v psql > /dev/null || { echo "bench-hub: psql not found (apt install postgresql-client)" >&2; exit 1; }
: "${PGHOST:?bench-hub: set PGHOST (and PGPORT, PGUSER, PGPASSWORD) to a PostgreSQL server}"
WORK=$(mktemp -d /tmp/myolog-bench-hub-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"

id_of() { "$BIN" --store "$1" id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodeId"])'; }
trust() { "$BIN" --store "$1" peer add "$(id_of "$2")" --name "$(basename "$2")" > /dev/null; }
fresh_db() { psql -d postgres -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2> /dev/null; }
url() { echo "postgresql://${PGUSER:-$USER}@$PGHOST:${PGPORT:-5432}/$1"; }
rate() { awk "BEGIN {printf \"%.0f\", $1 / $2}"; }
# A site of $2 patients × 50 events, generated once (seeded).
site() {
    local dir=$CACHE/$1
    if [ ! -f "$dir/myolog.sqlite" ]; then
        rm -rf "$dir"
        "$BIN" --store "$dir.tmp" demo generate --patients "$2" --events-per-patient 50 --seed "$3" > /dev/null
        mv "$dir.tmp" "$dir"
    fi
    echo "$dir"
}

if [ "$PART" = 1 ] || [ "$PART" = all ]; then
    SOURCE=$(site "hub-site-$SITE_EVENTS" $((SITE_EVENTS / 50)) 1)
    cp -r "$SOURCE" "$WORK/site"
    EVENTS=$(sqlite3 "$WORK/site/myolog.sqlite" 'SELECT count(*) FROM events')
    "$BIN" --store "$WORK/sqlite" init --site "SQLite receiver" > /dev/null
    fresh_db myolog_bench_one
    "$BIN" --store "$WORK/hub" hub init --postgres "$(url myolog_bench_one)" --site "Head office" > /dev/null
    for receiver in sqlite hub; do trust "$WORK/$receiver" "$WORK/site"; trust "$WORK/site" "$WORK/$receiver"; done
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/sqlite.time" "$BIN" --store "$WORK/sqlite" sync "$WORK/site" --batch-size 5000 > /dev/null
    read -r S_SQLITE RSS_SQLITE _ _ < "$WORK/sqlite.time"
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/hub.time" "$BIN" --store "$WORK/hub" hub sync "$WORK/site" > /dev/null
    read -r S_HUB RSS_HUB U_HUB SYS_HUB < "$WORK/hub.time"
    echo "1. initial sync of $EVENTS events: into SQLite ${S_SQLITE} s = $(rate "$EVENTS" "$S_SQLITE") events/s (peak RSS $((RSS_SQLITE / 1024)) MB);" \
         "into the hub ${S_HUB} s = $(rate "$EVENTS" "$S_HUB") events/s (peak RSS $((RSS_HUB / 1024)) MB;" \
         "hub sync CPU $(awk "BEGIN {printf \"%.1f\", ($U_HUB + $SYS_HUB) * 1e6 / $EVENTS}") µs/event, the server's not counted)"
    "$BIN" --store "$WORK/hub" hub verify > /dev/null || { echo "bench-hub: hub verify failed after part 1" >&2; exit 1; }
    rm -rf "$WORK/site" "$WORK/sqlite" "$WORK/hub"
fi

if [ "$PART" = 2 ] || [ "$PART" = all ]; then
    fresh_db myolog_bench_many
    "$BIN" --store "$WORK/hub" hub init --postgres "$(url myolog_bench_many)" --site "Head office" > /dev/null
    for n in $(seq "$SITES"); do
        cp -r "$(site "hub-sites/$SITE_SIZE-$n" $((SITE_SIZE / 50)) $((1000 + n)))" "$WORK/site-$n"
        trust "$WORK/hub" "$WORK/site-$n"; trust "$WORK/site-$n" "$WORK/hub"
    done
    START=$(date +%s%N)
    seq "$SITES" | xargs -P "$PARALLEL" -I{} /usr/bin/time -f "%e %M %U %S" -o "$WORK/sync-{}.time" \
        "$BIN" --store "$WORK/hub" hub sync --collect "$WORK/site-{}" > /dev/null
    END=$(date +%s%N)
    TOTAL=$(awk "BEGIN {printf \"%.1f\", ($END - $START) / 1e9}")
    EVENTS=$(psql -d myolog_bench_many -Atc 'SELECT count(*) FROM myolog.events')
    PATIENTS=$(psql -d myolog_bench_many -Atc 'SELECT count(*) FROM myolog.patients')
    RSS=$(cat "$WORK"/sync-*.time | awk '{ if ($2 > max) max = $2 } END { print max }')
    CPU=$(cat "$WORK"/sync-*.time | awk -v n="$EVENTS" '{ t += $3 + $4 } END { printf "%.1f", t * 1e6 / n }')
    echo "2. $SITES sites × $SITE_SIZE events, $PARALLEL at a time, into one hub: $EVENTS events, $PATIENTS patients in ${TOTAL} s" \
         "= $(rate "$EVENTS" "$TOTAL") events/s; peak RSS of one hub sync $((RSS / 1024)) MB; hub sync CPU $CPU µs/event (the server's not counted)"
    # 3. Per-patient queries at that size, for 20 patients spread over the sites.
    SHOW=()
    for patient in $(psql -d myolog_bench_many -Atc "SELECT patient FROM myolog.patients ORDER BY md5(patient) LIMIT 20"); do
        START=$(date +%s%N)
        "$BIN" --store "$WORK/hub" --json hub show "$patient" > /dev/null
        END=$(date +%s%N)
        SHOW+=($(( (END - START) / 1000000 )))
    done
    SQL=$(psql -d myolog_bench_many -Atc "SELECT patient FROM myolog.patients ORDER BY md5(patient) LIMIT 20" | while read -r patient; do
        psql -d myolog_bench_many -Atc "EXPLAIN (ANALYZE, FORMAT JSON) SELECT p.birth_year, s.occurred_at, s.score, t.muscle, t.status FROM myolog.patients p
            LEFT JOIN myolog.pain_scores s ON s.patient = p.patient LEFT JOIN myolog.trigger_points t ON t.patient = p.patient AND t.visit = s.visit
            WHERE p.patient = '$patient'" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)[0]["Execution Time"], 2))'
    done | sort -n | tr '\n' ' ')
    sorted=$(printf '%s\n' "${SHOW[@]}" | sort -n | tr '\n' ' ')
    echo "3. per patient at that size: hub show --json end to end (process start included), ms: $sorted"
    echo "   view SQL (patient, pain scores, trigger points joined) server execution, ms: $SQL"
    "$BIN" --store "$WORK/hub" hub verify > /dev/null || { echo "bench-hub: hub verify failed after part 2" >&2; exit 1; }
fi
