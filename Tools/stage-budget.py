#!/usr/bin/env python3
"""The stage budget (issue 32) as a Markdown table, from package-benchmark's percentile export.

Reads the `budget …` benchmarks of Tools/Benchmarks (StageBudget.swift), run with
`--format histogramPercentiles` (Tools/stage-budget.sh does both), and prints, per path — the clinical write,
the initial path sync, the bundle import —, what one event costs in each stage, their sum, the
path's end-to-end figure, and how much of it the sum explains. Figures are medians of the
iterations, in µs per event, wall clock (the figure a clinic waits on); beside each end-to-end
figure its total CPU (package-benchmark reads CPU time in 10 ms ticks: too coarse for a stage's
iteration, right for a whole path's).

A stage's benchmark name ends in `×N`: one iteration handles N events (or, for a signature,
one commit); the table divides by how many events of its path share one iteration's work.

Usage: python3 Tools/stage-budget.py FIGURES.json [--metric wall|cpu|both]
       python3 Tools/stage-budget.py --merge EXPORT-DIRECTORY FIGURES.json   (adds a run's figures)
"""
import argparse
import json
import pathlib
import re
import sys

# Each path: (row label, benchmark stage, events of the path that share one iteration's work).
# `None` as the stage marks a derived row, computed below. Every row names the real code it runs.
WRITE_EVENTS_PER_COMMIT = 50
SIGNED_EVERY = 50  # the received fixture's source signed every 50-event commit
BULK_BATCH = 1000  # compare-peers' `sync --batch-size 1000` and bundle import's default

PATHS = {
    "write": {
        "title": "clinical write (1 patient × 50 events per commit)",
        "end_to_end": "budget write · end to end: clinical write with views ×50",
        "stages": [
            ("the session: clinical checks, payload building, the synthetic generator (derived: the write − `EventStore.append` of the same events)", "derived-checks", None),
            ("canonical encode of the payload", "budget stage · canonical encode of a payload ×1000", 1000),
            ("seal the payload (AES-GCM)", "budget stage · seal a payload ×1000", 1000),
            ("canonical encode of the envelope", "budget stage · canonical encode of an envelope ×1000", 1000),
            ("hash (SHA-256 of the canonical bytes)", "budget stage · hash ×1000", 1000),
            ("sign the head (Ed25519, one per commit)", "budget stage · sign a commit's head ×1", WRITE_EVENTS_PER_COMMIT),
            ("open the write transaction (BEGIN IMMEDIATE, own-chain check)", "budget stage · open a write transaction ×50", 50),
            ("insert the event (indexes, REPLACE guard)", "budget stage · insert an event ×50", 50),
            ("view rows (PatientProjection, new patient)", "budget stage · view rows, clinic events ×50", 50),
            ("append's own steps: id, clock, the patient's key, the envelope, the chain's bookkeeping (derived: `AppendTransaction.append` ×50 − the five stages above it runs)", "rest:append", None),
            ("commit, synchronous=FULL (fsync)", "budget stage · commit ×50", 50),
        ],
    },
    "sync": {
        "title": "initial path sync (100,000 events, 1,000 per commit)",
        "end_to_end": "budget path sync · end to end: initial sync ×100000",
        "stages": [
            ("read the page at the source", "budget stage · read a page at the source ×1000", 1000),
            ("payload canonical check", "budget stage · payload canonical check ×1000", 1000),
            ("canonical encode of the envelope", "budget stage · canonical encode of an envelope ×1000", 1000),
            ("hash (SHA-256 of the canonical bytes)", "budget stage · hash ×1000", 1000),
            ("verify a signature (Ed25519, one per 50 events)", "budget stage · verify a signature ×1", SIGNED_EVERY),
            ("patient keys (sealed to the peer, taken)", "budget stage · patient keys sent and taken ×1000", 1000),
            ("open the payload (AES-GCM)", "budget stage · open a payload ×1000", 1000),
            ("open the write transaction", "budget stage · open a write transaction ×50", BULK_BATCH),
            ("insert the event (indexes, REPLACE guard)", "budget stage · insert an event ×50", 50),
            ("the receive rules' own steps: heads, trust, enrolment, counters (derived: `receiveAll` ×1000 − the five stages above it runs)", "rest:rules", None),
            ("view rows (PatientProjection, new patient)", "budget stage · view rows, received events ×50", 50),
            ("commit, synchronous=FULL (fsync)", "budget stage · commit ×1000", 1000),
        ],
    },
    "bundle": {
        "title": "bundle import (100,000 events, 1,000 per commit, each patient's key with its first batch)",
        "end_to_end": "budget bundle import · end to end: import ×100000",
        "stages": [
            ("whole-file check (read, SHA-256, parse every line)", "budget stage · bundle check ×100000", 100000),
            ("scan the received line", "budget stage · scan a received line ×1000", 1000),
            ("payload canonical check", "budget stage · payload canonical check ×1000", 1000),
            ("canonical encode of the envelope", "budget stage · canonical encode of an envelope ×1000", 1000),
            ("hash (SHA-256 of the canonical bytes)", "budget stage · hash ×1000", 1000),
            ("verify a signature (Ed25519, one per 50 events)", "budget stage · verify a signature ×1", SIGNED_EVERY),
            ("open the write transaction", "budget stage · open a write transaction ×50", BULK_BATCH),
            ("insert the event (indexes, REPLACE guard)", "budget stage · insert an event ×50", 50),
            ("the receive rules' own steps: heads, trust, enrolment, counters (derived: `receiveAll` ×1000 − the five stages above it runs)", "rest:rules", None),
            ("commit, synchronous=FULL (fsync)", "budget stage · commit ×1000", 1000),
            ("patient keys (taken with their batch; here with their sealing)", "budget stage · patient keys sent and taken ×1000", 1000),
            ("open the payload (AES-GCM, at the fold)", "budget stage · open a payload ×1000", 1000),
            ("view rows (the batch's patients folded)", "budget stage · view rows, received events ×50", 50),
        ],
    },
}
APPEND_ONLY = "budget write · append without the clinical session ×50"

# Derived rows: a whole step measured by itself (its benchmark, and how many events share one
# iteration), less the stages of its path that run inside it, listed above it in the table.
RESTS = {
    "rest:append": ("budget stage · append ×50", 50, [
        "budget stage · canonical encode of a payload ×1000", "budget stage · seal a payload ×1000",
        "budget stage · canonical encode of an envelope ×1000", "budget stage · hash ×1000", "budget stage · insert an event ×50"]),
    "rest:rules": ("budget stage · receive rules and insert ×1000", 1000, [
        "budget stage · payload canonical check ×1000", "budget stage · canonical encode of an envelope ×1000", "budget stage · hash ×1000",
        "budget stage · verify a signature ×1", "budget stage · insert an event ×50"]),
}

WHAT_IS_LEFT = {
    "write": "the views' opening of the transaction's events, `written` kept for the caller, `node.head` "
             "(at most once a second); the synthetic generator is inside the session row",
    "sync": "the exchange itself (summaries, fork search, page gathering on both sides), the signatures' "
            "rows, handing pages between the reading and the committing task",
    "bundle": "parsing lines on the second core and handing them over, the keys offered at the end (erased "
              "or already held patients)",
}


UNITS = {"ns": 1e-3, "μs": 1.0, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}
FILE = re.compile(r"^[^.]+\.[^.]+\.(?P<name>.+)\.(?P<metric>wallClock|cpuTotal)\.histogram\.percentiles\.tsv$")


def merge(directory, figures_path):
    """Reads the run's `…histogram.percentiles.tsv` files (one per benchmark and metric: the
    value at each percentile, in the unit its header names) into FIGURES.json: each benchmark's
    median in µs per iteration, wall clock and CPU."""
    figures = json.loads(pathlib.Path(figures_path).read_text()) if pathlib.Path(figures_path).exists() else {}
    for file in sorted(pathlib.Path(directory).glob("*.histogram.percentiles.tsv")):
        match = FILE.match(file.name)
        if not match:
            continue
        name = match.group("name").replace("_", " ")
        lines = file.read_text().splitlines()
        unit = re.search(r"\(([^()]*)\)\s*$", lines[0])
        scale = UNITS.get(unit.group(1).strip() if unit else "ns", 1e-3)
        median = next(float(value) for percentile, value in (line.split("\t") for line in lines[1:]) if percentile == "50")
        figures.setdefault(name, {})["wall" if match.group("metric") == "wallClock" else "cpu"] = median * scale
    pathlib.Path(figures_path).write_text(json.dumps(figures, indent=1, ensure_ascii=False, sort_keys=True))


def load(path):
    """{benchmark name: {"wall": µs per iteration, "cpu": µs per iteration}}"""
    with open(path) as file:
        return json.load(file)


def events_in(name):
    match = re.search(r"×(\d+)$", name)
    return int(match.group(1)) if match else 1


def per_event(figures, name, share, metric):
    """µs per event of the path: the iteration's median ÷ the events that share it."""
    figure = figures.get(name, {}).get(metric)
    if figure is None:
        return None
    return figure / share if share else figure / events_in(name)


def budget(figures, path, metric):
    spec = PATHS[path]
    rows, total = [], 0.0
    end_to_end = per_event(figures, spec["end_to_end"], None, metric)
    for label, name, share in spec["stages"]:
        if name == "derived-checks":
            append = per_event(figures, APPEND_ONLY, None, metric)
            value = None if end_to_end is None or append is None else max(0.0, end_to_end - append)
        elif name in RESTS:
            whole_name, whole_share, inside = RESTS[name]
            whole = per_event(figures, whole_name, whole_share, metric)
            parts = [value for (_, stage, _), (_, value) in zip(spec["stages"], rows) if stage in inside]
            value = None if whole is None or None in parts else max(0.0, whole - sum(parts))
        else:
            value = per_event(figures, name, share, metric)
        rows.append((label, value))
        total += value or 0.0
    return rows, total, end_to_end


def cell(value):
    return "–" if value is None else f"{value:,.1f}"


def table(figures, metric):
    word = {"wall": "wall clock", "cpu": "total CPU"}[metric]
    out = [f"µs per event, median of the iterations ({word}); release, `synchronous=FULL`.", ""]
    for path, spec in PATHS.items():
        rows, total, end_to_end = budget(figures, path, metric)
        out.append(f"**{spec['title']}**")
        out.append("")
        out.append("| stage | µs/event | share of end to end |")
        out.append("|---|---:|---:|")
        for label, value in rows:
            share = "" if value is None or not end_to_end else f"{100 * value / end_to_end:.0f} %"
            out.append(f"| {label} | {cell(value)} | {share} |")
        explained = total / end_to_end if end_to_end else None
        out.append(f"| **sum of the stages** | **{cell(total)}** | **{'' if explained is None else f'{100 * explained:.0f} %'}** |")
        out.append(f"| **end to end** | **{cell(end_to_end)}** | {'' if not end_to_end else f'{1e6 / end_to_end:,.0f} ev/s'} |")
        cpu = figures.get(spec["end_to_end"], {}).get("cpu")
        if metric == "wall" and cpu and cpu >= 100_000:
            out.append(f"| end to end, total CPU | {cell(cpu / events_in(spec['end_to_end']))} | |")
        if end_to_end:
            left = end_to_end - total
            verdict = ("the stages, each timed alone, sum to more than the whole: the path overlaps some, or the run was noisy"
                       if left < 0 else "meets the ≥ 90 % bar" if explained >= 0.9 else "below the 90 % bar")
            out.append(f"| unexplained ({verdict}) | {cell(left)} | {100 * left / end_to_end:.0f} % |")
            out.append("")
            out.append(f"Unexplained, not measured as a stage: {WHAT_IS_LEFT[path]}.")
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("figures", nargs="+", help="FIGURES.json; with --merge: EXPORT-DIRECTORY FIGURES.json")
    parser.add_argument("--metric", choices=["wall", "cpu", "both"], default="wall")
    parser.add_argument("--merge", action="store_true", help="add a run's percentile export to FIGURES.json")
    arguments = parser.parse_args()
    if arguments.merge:
        merge(*arguments.figures)
        return 0
    figures = load(arguments.figures[0])
    measured = {name for spec in PATHS.values() for _, name, _ in spec["stages"] if name != "derived-checks" and name not in RESTS}
    missing = sorted((measured | {APPEND_ONLY} | {whole for whole, _, _ in RESTS.values()}) - set(figures)
                     | {spec["end_to_end"] for spec in PATHS.values()} - set(figures))
    if missing:
        print("not in the export (filtered out, or failed): " + "; ".join(missing), file=sys.stderr)
    for metric in (["wall", "cpu"] if arguments.metric == "both" else [arguments.metric]):
        print(table(figures, metric))


if __name__ == "__main__":
    sys.exit(main())
