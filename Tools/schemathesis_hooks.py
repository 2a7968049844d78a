"""Schemathesis hooks for Myolog's sync API (loaded by Tools/schemathesis.sh).

A batch body is NDJSON (`application/x-ndjson`), which Schemathesis cannot serialize on its own:
generated values are sent as their text (strings as they are, anything else as JSON), so the
server sees both well-formed and malformed batches.
"""
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return (json.dumps(value) + "\n").encode("utf-8")
