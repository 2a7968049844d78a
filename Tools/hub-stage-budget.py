#!/usr/bin/env python3
"""The hub's stage budget from a `perf report` of one `myolog hub sync` (Tools/hub-stage-budget.sh).

The client's samples are grouped into stages by symbol (Swift names demangled with
`swift demangle` when it is there) and shared object; each stage's CPU per event is its samples
× the sampling period ÷ the events. The server's CPU (every PostgreSQL process of the cluster:
parse, insert, indexes, WAL, commit) is one stage, from its processes' accounting. Samples that
no pattern names are the unexplained part.

Usage: python3 Tools/hub-stage-budget.py REPORT.txt --events N --wall-ns NS --server-ticks T
       --ticks-per-second HZ --frequency F [--stored N]
"""
import argparse
import re
import shutil
import subprocess
import sys

# (stage, pattern on the demangled symbol, pattern on the shared object): first match wins.
STAGES = [
    ("scan/parse (canonical lines, JSON)", r"CanonicalLineScanner|scanCanonical|canonicalLine|JSONParser", None),
    ("canonical encode (envelope, payload)", r"CanonicalJSON|canonicalBytes|writeCanonicalFragment|\.write\(to:|canonicalString|Hex\.encode", None),
    ("hash (SHA-256)", r"(?i)sha256|SHA256", None),
    ("signature verify (Ed25519)", r"(?i)ed25519|x25519|curve25519|\bge_|\bfe_|sc_muladd|sc_reduce|x25519_", None),
    ("seal/open (AES-GCM, HPKE keys)", r"(?i)aes|gcm|ghash|hpke|chacha", None),
    ("views: fold (ClinicalFold)", r"PatientFold|ClinicalFold|ClinicalEvent|PatientRecord|ViewSources|registeredRecords|CausalOrder", None),
    ("views: rows (ViewRows, PatientRow)", r"ViewRows|PatientRow|replaceViews", None),
    ("receive rules (ReceiveLedger, HubBatch)", r"ReceiveLedger|HubBatch|receiveAll|EventSync\.", None),
    ("PostgreSQL wire (postgres-nio, NIO)", r"PostgresNIO|NIOCore|NIOPosix|ByteBuffer|PSQL|Postgres", None),
    ("reading the site (SQLite, GRDB)", r"^sqlite3|GRDB", r"libsqlite3"),
    ("Swift runtime (retain/release, hashing, generics, casts)", r"^swift_|^_swift|Hasher|tryCast|Metadata|conformsToProtocol|^\$s|_StringGuts|ContiguousArrayBuffer|Dictionary|Set<", r"libswiftCore|libswift_"),
    ("allocator and libc (malloc, free, memmove)", r"^malloc|^free|^cfree|^mem(move|cpy|set|cmp)|^__mem|_int_malloc|_int_free|^__libc", r"^libc[.-]|libc\.so"),
    ("kernel (I/O, page faults, scheduling)", None, r"kernel|\[k\]|vmlinux"),
]

LINE = re.compile(r"^\s*([\d.]+)%\s+(\d+)\s+(\S+)\s+\[[.k]\]\s+(.*)$")


def demangle(symbols):
    tool = shutil.which("swift-demangle") or (shutil.which("swift") and "swift")
    if not tool or not symbols:
        return symbols
    command = [tool, "--simplified", "--compact"] if tool.endswith("demangle") else [tool, "demangle", "--simplified", "--compact"]
    result = subprocess.run(command, input="\n".join(symbols), capture_output=True, text=True)
    lines = result.stdout.split("\n")
    return lines[:len(symbols)] if result.returncode == 0 and len(lines) >= len(symbols) else symbols


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report")
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--stored", type=int, default=0)
    parser.add_argument("--wall-ns", type=int, required=True)
    parser.add_argument("--server-ticks", type=int, required=True)
    parser.add_argument("--ticks-per-second", type=int, default=100)
    parser.add_argument("--frequency", type=int, default=999)
    arguments = parser.parse_args()
    rows = []
    with open(arguments.report) as file:
        for line in file:
            match = LINE.match(line)
            if match:
                rows.append((int(match.group(2)), match.group(3), match.group(4).strip()))
    if not rows:
        raise SystemExit("hub-stage-budget: no samples in the perf report")
    symbols = demangle([symbol for _, _, symbol in rows])
    samples = {stage: 0 for stage, _, _ in STAGES}
    other, top_other = 0, {}
    for (count, dso, _), symbol in zip(rows, symbols):
        for stage, symbol_pattern, dso_pattern in STAGES:
            if (symbol_pattern and re.search(symbol_pattern, symbol)) or (dso_pattern and re.search(dso_pattern, dso)):
                samples[stage] += count
                break
        else:
            other += count
            top_other[symbol] = top_other.get(symbol, 0) + count
    events = arguments.events
    period_us = 1e6 / arguments.frequency
    per_event = lambda count: count * period_us / events  # noqa: E731
    server_us = arguments.server_ticks * 1e6 / arguments.ticks_per_second / events
    client_total = sum(samples.values()) + other
    wall = arguments.wall_ns / 1e3 / events
    print(f"**hub receive: one site's initial `hub sync`, {events:,} events into an empty hub**"
          + (f" ({arguments.stored:,} rows in myolog.events after)" if arguments.stored else ""))
    print()
    print("CPU µs per event by stage (client: `perf record` samples grouped by symbol; server: the cluster's processes' CPU).")
    print()
    print("| stage | CPU µs/event | share of the CPU |")
    print("|---|---:|---:|")
    total = per_event(client_total) + server_us
    for stage, _, _ in STAGES:
        print(f"| {stage} | {per_event(samples[stage]):,.1f} | {100 * per_event(samples[stage]) / total:.0f} % |")
    print(f"| PostgreSQL server (parse, insert, indexes, WAL, commit) | {server_us:,.1f} | {100 * server_us / total:.0f} % |")
    explained = total - per_event(other)
    print(f"| **sum of the named stages** | **{explained:,.1f}** | **{100 * explained / total:.0f} %** |")
    print(f"| unexplained (client symbols no stage names) | {per_event(other):,.1f} | {100 * per_event(other) / total:.0f} % |")
    print(f"| **CPU, client + server** | **{total:,.1f}** | |")
    print(f"| **end to end, wall clock** | **{wall:,.1f}** | {1e6 / wall:,.0f} ev/s |")
    print()
    print("The client and the server run on the two cores at once, so their CPU may exceed the wall clock.")
    if top_other:
        biggest = sorted(top_other.items(), key=lambda item: -item[1])[:5]
        print("Largest unexplained symbols: " + "; ".join(f"{symbol[:80]} ({per_event(count):.1f} µs)" for symbol, count in biggest) + ".")


if __name__ == "__main__":
    sys.exit(main())
