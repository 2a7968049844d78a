#!/usr/bin/env python3
"""Independent implementation of Myolog's retention rule (README "Retention and erasure").

Reads JSON lines {"dateOfBirth", "registered", "lastService", "years", "childUntilAge", "adultAge"}
(dates YYYY-MM-DD) and prints, per line, the first day the record may be destroyed:
the later of the `years`-th anniversary of the last service and — for a patient registered
before their `adultAge`-th birthday — their `childUntilAge`-th birthday. An anniversary of
29 February is 1 March in a common year. Python's datetime only; no Myolog code.
"""
import datetime
import json
import sys


def anniversary(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return datetime.date(day.year + years, 3, 1)


def retain_until(case) -> datetime.date:
    parse = datetime.date.fromisoformat
    born, registered, last = parse(case["dateOfBirth"]), parse(case["registered"]), parse(case["lastService"])
    until = anniversary(last, case["years"])
    if registered < anniversary(born, case["adultAge"]):
        until = max(until, anniversary(born, case["childUntilAge"]))
    return until


def main() -> int:
    for line in (open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin):
        if line.strip():
            print(retain_until(json.loads(line)).isoformat())
    return 0


if __name__ == "__main__":
    sys.exit(main())
