#!/usr/bin/env python3
"""Myolog against a peer event store, on the same clinic workload and the same machine.

1. Myolog: `myolog demo generate` writes P patients × E events (registration, history, visits,
   trigger points, techniques, pain scores, corrections, retractions) through the full write
   path — validation, hashing, hash chain, the patient views — one transaction per patient,
   `synchronous=FULL`. Then `myolog rebuild` replays every event into the views.
2. Python `eventsourcing` (9.5.x) on SQLite: the *same events* (type and payload, read back from
   Myolog's log) as one aggregate per patient, saved in one transaction per patient; then every
   patient is replayed with `repository.get`.
3. Floor: raw SQLite inserts of the same rows (Python's sqlite3, `executemany`, one transaction
   per patient, WAL, `synchronous=FULL`), and reading them back per patient.
4. Bulk receive: an empty store's initial `myolog sync DIR` from the generated store (every
   receive check: canonical bytes, hashes, chain links, signatures, trust; views folded), and
   `myolog bundle import` of the generated store's bundle into another empty store; beside each,
   its floor: raw SQLite inserts of the same full event rows (all columns, unique id and
   (origin, sequence) as in Myolog's log) in transactions of the same size (1,000 events).

Printed as one Markdown table, a row per figure: append (with its CPU µs per event, from the
child process's rusage), rebuild, initial path sync and bundle import, each beside what it is
held against (eventsourcing's save and replay, the per-patient and bulk floors).

Two binaries (`--binary A --binary B`, or `--before A --after B`) are measured in one sitting,
alternating A, B then B, A round after round (`--rounds`, medians), each on its own generated
store; the table then has a column per binary and their ratio.

Usage: python3 Tools/compare-peers.py --patients 2000 --events-per-patient 50 [--binary .build/release/myolog]
       python3 Tools/compare-peers.py --before /tmp/before-myolog --after .build/release/myolog --rounds 2
Needs: pip install 'eventsourcing>=9.5,<9.6'; a release build (swift build -c release --product myolog).
"""
import argparse
import os
import pathlib
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time


# Syncs and bundle exports record what they disclose, under a user (README: Audit).
os.environ.setdefault("MYOLOG_USER", "bench")
# The stores it makes are founded by `bench` (issue 33), who signs every event with a key of their
# own: kept in a directory of this run's, never the real user's configuration.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="compare-peers-keys-")


def run_myolog(binary, store, *arguments, cpu=None):
    """Runs one myolog command; returns its wall seconds. `cpu`, a list, gets the child's CPU
    seconds (user + system, from its rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([binary, "--store", store, *arguments], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"myolog {' '.join(arguments)} failed: {result.stderr.strip()}")
    if cpu is not None:
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return elapsed


def workload(store):
    """The patients' events as Myolog stored them: (patient, [(type, payload text)]) in log order."""
    connection = sqlite3.connect(f"file:{store}/myolog.sqlite?mode=ro", uri=True)
    current, events = None, []
    for patient, kind, payload in connection.execute(
            "SELECT patient, type, payload FROM events WHERE patient IS NOT NULL ORDER BY patient, position"):
        if patient != current:
            if current is not None:
                yield current, events
            current, events = patient, []
        events.append((kind, payload))
    if current is not None:
        yield current, events
    connection.close()


def run_eventsourcing(store, directory):
    os.environ["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
    os.environ["SQLITE_DBNAME"] = str(directory / "eventsourcing.sqlite")
    import json

    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate

    class Patient(Aggregate):
        class Registered(Aggregate.Created):
            kind: str
            payload: dict

        class Recorded(Aggregate.Event):
            kind: str
            payload: dict

            def apply(self, aggregate):
                aggregate.count += 1

        def __init__(self, kind, payload):
            self.count = 1

        @classmethod
        def register(cls, kind, payload):
            return cls._create(cls.Registered, kind=kind, payload=payload)

        def record(self, kind, payload):
            self.trigger_event(self.Recorded, kind=kind, payload=payload)

    class Clinic(Application):
        is_snapshotting_enabled = False

    clinic = Clinic()
    patients = []
    events = 0
    # Parsing the payload text is part of the workload for Myolog too (it validates each one).
    prepared = [(patient, [(kind, json.loads(payload)) for kind, payload in batch]) for patient, batch in workload(store)]
    started = time.perf_counter()
    for _, batch in prepared:
        aggregate = Patient.register(*batch[0])
        for kind, payload in batch[1:]:
            aggregate.record(kind, payload)
        clinic.save(aggregate)  # one transaction per patient
        patients.append(aggregate.id)
        events += len(batch)
    append = time.perf_counter() - started
    started = time.perf_counter()
    replayed = sum(clinic.repository.get(identifier).count for identifier in patients)
    replay = time.perf_counter() - started
    if replayed != events:
        raise SystemExit(f"eventsourcing replayed {replayed} events, wrote {events}")
    return events, append, replay


def run_floor(store, directory):
    connection = sqlite3.connect(directory / "floor.sqlite", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE events (position INTEGER PRIMARY KEY, patient TEXT NOT NULL, sequence INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, UNIQUE (patient, sequence))")
    prepared = list(workload(store))
    events = 0
    started = time.perf_counter()
    for patient, batch in prepared:
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO events (patient, sequence, type, payload) VALUES (?, ?, ?, ?)",
                               [(patient, number, kind, payload) for number, (kind, payload) in enumerate(batch, 1)])
        connection.execute("COMMIT")
        events += len(batch)
    append = time.perf_counter() - started
    started = time.perf_counter()
    read = 0
    for patient, _ in prepared:
        read += len(connection.execute("SELECT type, payload FROM events WHERE patient = ? ORDER BY sequence", (patient,)).fetchall())
    replay = time.perf_counter() - started
    connection.close()
    return events, append, replay


def node_id(binary, store):
    result = subprocess.run([binary, "--store", store, "id", "--json"], capture_output=True, text=True, check=True)
    import json
    return json.loads(result.stdout)["nodeId"]


def run_bulk_receive(binary, store, directory):
    """Initial path sync and bundle import into empty stores: (events, sync seconds, import seconds)."""
    source_id = node_id(binary, store)
    timings = []
    for name in ("synced", "imported"):
        target = str(directory / name)
        run_myolog(binary, target, "init", "--site", name)
        run_myolog(binary, target, "--as", "bench", "peer", "add", source_id, "--name", "source")
        if name == "synced":
            run_myolog(binary, store, "--as", "bench", "peer", "add", node_id(binary, target), "--name", name)
            timings.append(run_myolog(binary, target, "sync", store, "--batch-size", "1000"))
        else:
            bundle = str(directory / "all.myolog")
            export = ["bundle", "export", "--out", bundle]
            help_text = subprocess.run([binary, "bundle", "export", "--help"], capture_output=True, text=True).stdout
            if "--for <node>" in help_text:
                # Payloads are sealed: a bundle that is to be readable carries the keys, sealed to
                # its receiver, whose enrolment the source learns from a bundle of the receiver's.
                target_id = node_id(binary, target)
                run_myolog(binary, store, "--as", "bench", "peer", "add", target_id, "--name", name)
                enrolment = str(directory / "enrolment.myolog")
                run_myolog(binary, target, "bundle", "export", "--out", enrolment)
                run_myolog(binary, store, "bundle", "import", enrolment)
                export += ["--for", target_id]
            run_myolog(binary, store, *export)
            timings.append(run_myolog(binary, target, "--as", "bench", "bundle", "import", bundle))
    connection = sqlite3.connect(f"file:{directory / 'synced' / 'myolog.sqlite'}?mode=ro", uri=True)
    events = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    connection.close()
    return events, timings[0], timings[1]


def run_bulk_floor(store, directory, batch=1000):
    """Raw inserts of every full event row, `batch` per transaction: the floor of a bulk receive."""
    source = sqlite3.connect(f"file:{store}/myolog.sqlite?mode=ro", uri=True)
    columns = "id, origin, sequence, clock, lamport, recordedAt, occurredAt, author, patient, type, schemaVersion, payload, prevHash, hash"
    rows = source.execute(f"SELECT {columns} FROM events ORDER BY position").fetchall()
    source.close()
    connection = sqlite3.connect(directory / "bulk-floor.sqlite", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"CREATE TABLE events (position INTEGER PRIMARY KEY, {columns.replace(',', ' ,')}, UNIQUE (id), UNIQUE (origin, sequence))")
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO events ({columns}) VALUES ({', '.join('?' * 14)})", rows[start:start + batch])
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return len(rows), elapsed


def measure_myolog(binary, arguments, directory):
    """One binary's rows, on its own generated store: {row: seconds}, the events, the CPU of the append."""
    store = str(directory / "myolog")
    cpu = []
    append = run_myolog(binary, store, "--as", "bench", "demo", "generate", "--patients", str(arguments.patients),
                        "--events-per-patient", str(arguments.events_per_patient), "--seed", str(arguments.seed), cpu=cpu)
    replay = run_myolog(binary, store, "rebuild")
    events = sum(len(batch) for _, batch in workload(store))
    received, sync_seconds, import_seconds = run_bulk_receive(binary, store, directory)
    return {"events": events, "received": received, "append": append, "append_cpu": cpu[0], "rebuild": replay,
            "sync": sync_seconds, "import": import_seconds}


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--events-per-patient", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--binary", action="append", help="a myolog release binary; give two to compare them")
    parser.add_argument("--before", help="the binary before a change (with --after)")
    parser.add_argument("--after", help="the binary after it")
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each binary, alternated; medians are shown")
    arguments = parser.parse_args()
    binaries = arguments.binary or []
    if arguments.before or arguments.after:
        if not (arguments.before and arguments.after) or binaries:
            raise SystemExit("compare-peers: give --before and --after together, or --binary (once or twice)")
        binaries = [arguments.before, arguments.after]
    if not binaries:
        binaries = [str(pathlib.Path(__file__).resolve().parent.parent / ".build/release/myolog")]
    if len(binaries) > 2:
        raise SystemExit("compare-peers: at most two binaries")
    for binary in binaries:
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"compare-peers: no {binary}; run: swift build -c release --product myolog")
    names = ["before", "after"] if arguments.before else [f"binary {index + 1}" for index in range(len(binaries))] if len(binaries) == 2 else ["Myolog"]
    measured = [[] for _ in binaries]
    with tempfile.TemporaryDirectory(prefix="myolog-peers-") as work:
        root = pathlib.Path(work)
        reference = None
        for round_number in range(arguments.rounds):
            # A, B then B, A: neither binary always runs on the warmer (or the busier) machine.
            order = list(range(len(binaries))) if round_number % 2 == 0 else list(reversed(range(len(binaries))))
            for index in order:
                directory = root / f"round{round_number}-{index}"
                directory.mkdir()
                measured[index].append(measure_myolog(binaries[index], arguments, directory))
                print(f"measured {names[index]} (round {round_number + 1} of {arguments.rounds})", file=sys.stderr)
                if reference is None:
                    reference = directory / "myolog"
        # The peer and the floors on the same events, once: they do not depend on the binary.
        peer_events, peer_append, peer_replay = run_eventsourcing(str(reference), root)
        floor_events, floor_append, floor_replay = run_floor(str(reference), root)
        bulk_count, bulk_seconds = run_bulk_floor(str(reference), root)
    peer_rate, peer_replay_rate = peer_events / peer_append, peer_events / peer_replay
    floor_rate, bulk_rate = floor_events / floor_append, bulk_count / bulk_seconds

    def figures(runs):
        events, received = runs[0]["events"], runs[0]["received"]
        return {
            "append": events / median([r["append"] for r in runs]),
            "append_cpu": 1e6 * median([r["append_cpu"] for r in runs]) / events,
            "rebuild": events / median([r["rebuild"] for r in runs]),
            "sync": received / median([r["sync"] for r in runs]),
            "import": received / median([r["import"] for r in runs]),
        }

    columns = [figures(runs) for runs in measured]
    rows = [
        ("append (full clinical write path + views)", "append", "ev/s", [("eventsourcing", peer_rate), ("per-patient floor", floor_rate)]),
        ("append: CPU per event (child rusage)", "append_cpu", "µs", []),
        ("rebuild", "rebuild", "ev/s", [("eventsourcing's replay", peer_replay_rate)]),
        ("initial path sync into an empty store", "sync", "ev/s", [("bulk floor", bulk_rate)]),
        ("bundle import", "import", "ev/s", [("bulk floor", bulk_rate)]),
    ]
    print(f"{arguments.patients} patients × {arguments.events_per_patient} events = {measured[0][0]['events']} events, one transaction per patient, "
          f"synchronous=FULL; bulk receive in commits of 1,000 events; {arguments.rounds} round(s), medians")
    print()
    header = "| row | " + " | ".join(f"{name} | against" for name in names) + (" | after ÷ before |" if len(names) == 2 else " |")
    print(header)
    print("|---|" + "---:|---|" * len(names) + ("---:|" if len(names) == 2 else ""))
    for label, key, unit, against in rows:
        cells = []
        for column in columns:
            value = column[key]
            ratios = ", ".join(f"{value / reference_rate:.2f}× {what}" for what, reference_rate in against)
            cells.append(f"{value:,.0f} {unit}" if unit == "ev/s" else f"{value:,.1f} {unit}")
            cells.append(ratios)
        change = ""
        if len(columns) == 2:
            change = f" {columns[1][key] / columns[0][key]:.2f}× |"
        print(f"| {label} | " + " | ".join(cells) + " |" + change)
    print()
    print(f"against: eventsourcing 9.5 on SQLite {peer_rate:,.0f} ev/s save, {peer_replay_rate:,.0f} ev/s replay; "
          f"per-patient floor {floor_rate:,.0f} ev/s; bulk floor {bulk_rate:,.0f} ev/s")
    print(f"peak RSS of this script (eventsourcing and the floors run in it): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    sys.exit(main())
