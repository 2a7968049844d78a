#!/usr/bin/env python3
"""Validates a `myolog … --json` view against its JSON Schema in Schemas/views/.

Usage: myolog show P --json | python3 Tools/check-view.py show
Prints `ok: …` and exits 0, or names the first violation and exits 1.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "Schemas"


def main() -> int:
    view = sys.argv[1]
    document = json.loads(sys.stdin.buffer.read() if len(sys.argv) < 3 else open(sys.argv[2], "rb").read())
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in contents:
            resources.append((contents["$id"], Resource.from_contents(contents)))
    schema = json.loads((SCHEMAS / "views" / f"{view}.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, registry=Registry().with_resources(resources))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        print(f"{view}: {'/'.join(map(str, errors[0].absolute_path))}: {errors[0].message}")
        return 1
    print(f"ok: {view} view valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
