#!/usr/bin/env bash
# The stage budget (issue 32): runs the `budget …` benchmarks of Tools/Benchmarks in release and
# prints, per path (clinical write, initial path sync, bundle import), what one event costs in
# each stage, their sum and the end-to-end figure, as Markdown for README "Performance".
#
#   Tools/stage-budget.sh                 # run every budget benchmark, print the tables
#   Tools/stage-budget.sh "budget stage.*"  # run only those whose whole name matches the regex (others: from the last run)
#   Tools/stage-budget.sh --print         # print the tables of the last run without running
#
# The first build of Tools/Benchmarks takes 6–15 minutes; a run ≈ 5 minutes (the 100,000-event
# fixtures are built once under $TMPDIR/myolog-benchmarks and kept).
set -euo pipefail
cd "$(dirname "$0")/Benchmarks"
out=.benchmarkBaselines/stage-budget
mkdir -p "$out"
if [[ "${1:-}" != "--print" ]]; then
    filter="${1:-budget .*}"
    rm -rf "$out/run" && mkdir -p "$out/run"
    swift package --allow-writing-to-directory .benchmarkBaselines benchmark run --filter "$filter" \
        --format histogramPercentiles --path "$out/run" --no-progress >&2 \
        || echo "stage-budget: a benchmark failed (its rows show –); the others are kept" >&2
    # Merged into the figures of the last runs, so a partial re-run keeps the other stages'.
    python3 ../stage-budget.py --merge "$out/run" "$out/budget.json"
fi
python3 ../stage-budget.py "$out/budget.json"
