#!/usr/bin/env python3
"""Checks a running `myolog serve` against Schemas/sync-api.openapi.json, independently of the
Swift client: every documented operation is called, with good and bad input, and each answer's
status, media type and body are validated against the document's schemas with jsonschema.

Usage: python3 Tools/check-api.py https://127.0.0.1:PORT --cert CERT.pem --key KEY.pem
The server speaks HTTPS with mutual TLS only: CERT and KEY are a trusted node's TLS identity
(`myolog --store CHECKER tls-identity --out DIR`, after `peer add` both ways). The checker tests
the API, not the server's identity, so it does not verify the server's certificate; `myolog sync`
pins it. Read-only on the server's store except for re-offering events it already holds
(duplicates). Prints `ok: …` and exits 0, or names the first mismatch and exits 1.
"""
import argparse
import json
import pathlib
import ssl
import sys
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "Schemas"
API = json.loads((SCHEMAS / "sync-api.openapi.json").read_text(encoding="utf-8"))
API_URI = "urn:myolog:sync-api"  # the document's own "#/components/…" references resolve against this


def registry():
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in contents:
            resources.append((contents["$id"], Resource.from_contents(contents)))
    resources.append((API_URI, Resource(contents=API, specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = registry()


def validate(document, schema, what):
    if schema.get("$ref", "").startswith("#"):
        schema = {"$ref": API_URI + schema["$ref"]}
    errors = sorted(Draft202012Validator(schema, registry=REGISTRY).iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise SystemExit(f"{what}: {'/'.join(map(str, errors[0].absolute_path))}: {errors[0].message}")


def response_schema(path, method, status):
    responses = API["paths"][path][method]["responses"]
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise SystemExit(f"{method.upper()} {path}: status {status} is not documented")
    if "$ref" in response:
        response = API["components"]["responses"][response["$ref"].split("/")[-1]]
    return response.get("content", {})


TLS = None  # the client's TLS context, set up in main()


def call(base, method, path, query="", body=None):
    request = urllib.request.Request(base + path + query, data=body, method=method.upper())
    if body is not None:
        request.add_header("Content-Type", "application/json" if path.startswith("/v1/keys") else "application/x-ndjson")
    try:
        with urllib.request.urlopen(request, timeout=30, context=TLS) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def check(base, method, path, query="", body=None, expect=None):
    """Calls one operation and validates the answer against the document; returns it."""
    status, media, payload = call(base, method, path, query, body)
    what = f"{method.upper()} {path}{query} → {status}"
    if expect is not None and status != expect:
        raise SystemExit(f"{what}: expected status {expect}; body {payload[:200]!r}")
    documented_path = path if path in API["paths"] else None
    if documented_path is None or method not in API["paths"][documented_path]:
        content = API["components"]["responses"]["Error"]["content"]
    else:
        content = response_schema(documented_path, method, status)
    if not content:
        if payload:
            raise SystemExit(f"{what}: documented without a body, got {payload[:200]!r}")
        return status, payload
    media_type = media.split(";")[0].strip()
    if media_type not in content:
        raise SystemExit(f"{what}: media type {media_type!r} is not documented ({', '.join(content)})")
    entry = content[media_type]
    if media_type == "application/x-ndjson":
        if payload and not payload.endswith(b"\n"):
            raise SystemExit(f"{what}: the batch does not end in a newline")
        for number, line in enumerate(payload.splitlines(), 1):
            validate(json.loads(line), entry["itemSchema"], f"{what} line {number}")
    else:
        validate(json.loads(payload), entry["schema"], what)
    return status, payload


def main():
    global TLS
    parser = argparse.ArgumentParser(description="Check a running myolog serve against its OpenAPI document.")
    parser.add_argument("url")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    arguments = parser.parse_args()
    TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    TLS.minimum_version = ssl.TLSVersion.TLSv1_3
    TLS.check_hostname = False
    TLS.verify_mode = ssl.CERT_NONE
    TLS.load_cert_chain(arguments.cert, arguments.key)
    base = arguments.url.rstrip("/")
    _, summary = check(base, "get", "/v1/summary", expect=200)
    heads = json.loads(summary)["heads"]
    if not heads:
        raise SystemExit("the server holds no events; give it a store with some")
    batches = 0
    for origin, head in sorted(heads.items()):
        _, batch = check(base, "get", "/v1/events", f"?origin={origin}&after=0&limit=10000", expect=200)
        if len(batch.splitlines()) != head["sequence"]:
            raise SystemExit(f"GET /v1/events for {origin}: {len(batch.splitlines())} events, the summary says {head['sequence']}")
        _, receipt = check(base, "post", "/v1/events", body=batch, expect=200)
        if json.loads(receipt)["duplicates"] != head["sequence"]:
            raise SystemExit(f"POST /v1/events: re-offered events were not all duplicates: {receipt!r}")
        batches += 1
    origin = sorted(heads)[0]
    for query in ["", "?origin=x&after=0&limit=1", f"?origin={origin}&after=-1&limit=1", f"?origin={origin}&after=0&limit=0", f"?origin={origin}&after=0&limit=10001"]:
        check(base, "get", "/v1/events", query, expect=400)
    for body in [b"hello", b"{}\n", b"[]\n"]:
        check(base, "post", "/v1/events", body=body, expect=400)
    check(base, "post", "/v1/events", body=b"", expect=200)
    check(base, "get", "/v1/no-such-path", expect=404)
    # Patient keys: what the server lacks; its keys sealed to this (TLS-proven) node; an empty offer.
    _, missing = check(base, "get", "/v1/keys/missing", expect=200)
    _, patients = check(base, "get", "/v1/events", f"?origin={origin}&after=0&limit=10000", expect=200)
    held = sorted({json.loads(line)["patient"] for line in patients.splitlines() if json.loads(line)["patient"]})[:5]
    check(base, "post", "/v1/keys/request", body=json.dumps({"patients": held}).encode(), expect=200)
    _, receipt = check(base, "post", "/v1/keys", body=b'{"keys":[]}', expect=200)
    if json.loads(receipt) != {"erased": 0, "stored": 0}:
        raise SystemExit(f"POST /v1/keys with no keys stored something: {receipt!r}")
    for path, body in [("/v1/keys/request", b'{"patients":["x"]}'), ("/v1/keys", b'{"keys":[{}]}')]:
        check(base, "post", path, body=body, expect=400)
    print(f"ok: {len(API['paths'])} paths answered as documented ({batches} origins read and re-offered, 11 bad requests refused)")


if __name__ == "__main__":
    main()
