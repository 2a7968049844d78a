#!/usr/bin/env bash
# Property-based API testing of a real `myolog serve` with Schemathesis, from the served
# contract (Schemas/sync-api.openapi.json): generated requests (valid and invalid) for every
# operation, every answer checked against the document — status codes, media types, response
# schemas — and no 5xx. Mutual TLS like any peer: a checker store is made, trusted both ways,
# and its node certificate is the client certificate.
#
# positive_data_acceptance is left out: a batch body is "lines of canonical envelopes", which a
# JSON Schema for a string cannot express, so generated "valid" bodies are rightly refused.
#
# Usage: Tools/schemathesis.sh [MAX_EXAMPLES]   (needs `pip install schemathesis`; uses the
# debug binary unless MYOLOG_BINARY names another). Exits non-zero on any failed check.
set -euo pipefail
# Syncs and serves record what they disclose, under a user (README: Audit).
export MYOLOG_USER=${MYOLOG_USER:-bench}
cd "$(dirname "$0")/.."
BIN=${MYOLOG_BINARY:-.build/debug/myolog}
EXAMPLES=${1:-30}
[ -x "$BIN" ] || { echo "schemathesis.sh: no $BIN; run: swift build" >&2; exit 1; }
command -v st >/dev/null || { echo "schemathesis.sh: no st (Schemathesis); run: python3 -m pip install schemathesis" >&2; exit 1; }
WORK=$(mktemp -d /tmp/myolog-schemathesis-XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" demo tour --store "$WORK/clinic" > /dev/null
# A store without people (no --as at init): the checker exercises the sync API, not sign-in.
MYOLOG_USER= "$BIN" --store "$WORK/checker" init --site "Schemathesis" > /dev/null
node() { "$BIN" --store "$1" --json id | python3 -c 'import json, sys; print(json.load(sys.stdin)["nodeId"])'; }
"$BIN" --store "$WORK/clinic" --as schemathesis peer add "$(node "$WORK/checker")" --name checker > /dev/null
"$BIN" --store "$WORK/checker" --as schemathesis peer add "$(node "$WORK/clinic")" --name clinic > /dev/null
"$BIN" --store "$WORK/checker" tls-identity --out "$WORK/tls" > /dev/null

"$BIN" --store "$WORK/clinic" serve --listen 127.0.0.1:0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q Listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'https://[0-9.]*:[0-9]*' "$WORK/serve.out")
BEFORE=$(sqlite3 "$WORK/clinic/myolog.sqlite" "SELECT count(*) FROM events WHERE type <> 'RecordAccessed'")

# Run inside the temporary directory: Schemathesis keeps caches in its working directory, and
# a test run must leave the checkout as it found it.
SCHEMA="$PWD/Schemas/sync-api.openapi.json" HOOKS="$PWD/Tools"
(cd "$WORK" && SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$HOOKS" st run "$SCHEMA" --url "$URL" \
    --request-cert "$WORK/tls/certificate.pem" --request-cert-key "$WORK/tls/private-key.pem" --tls-verify false \
    --checks all --exclude-checks positive_data_acceptance --max-examples "$EXAMPLES" --workers 1 --seed 1 --no-color \
    --generation-database none)

AFTER=$(sqlite3 "$WORK/clinic/myolog.sqlite" "SELECT count(*) FROM events WHERE type <> 'RecordAccessed'")
[ "$BEFORE" = "$AFTER" ] || { echo "schemathesis.sh: generated requests changed the log ($BEFORE → $AFTER events)" >&2; exit 1; }
"$BIN" --store "$WORK/clinic" verify > /dev/null || { echo "schemathesis.sh: the store fails verify after the run" >&2; exit 1; }
echo "schemathesis.sh: ok — no failed check; the log is unchanged but for the access records of what was disclosed ($AFTER other events) and verifies"
