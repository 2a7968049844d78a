#!/usr/bin/env python3
"""Independent check of `myolog log --json` output, with no Myolog code involved.

Reads the JSON array from stdin (or a file argument) and checks, for every event:
  * it validates against Schemas/log.schema.json (JSON Schema 2020-12, Python `jsonschema`): payloads
    about patients sealed, and their `openedPayload` (where the printing store held the key) valid
    for the type;
  * its bytes are canonical JSON (sorted keys, no whitespace, UTF-8) as Myolog hashes them;
  * `hash` is the SHA-256 of the canonical JSON of the envelope without `hash`, `signature` and
    `openedPayload` — checked with no key: the chain covers the sealed bytes;
  * per origin, sequences run 1, 2, 3... and each `prevHash` is the previous event's `hash`;
  * clock[origin] == sequence;
  * each origin's first event is its NodeEnrolled, whose Ed25519 public key hashes to the origin id
    and which it signed itself; every `signature` verifies with that key (Python `cryptography`)
    over "myolog chain head v1\n" + hash; every event is followed, in its origin's chain, by a
    signed one (or is signed itself).
Prints one summary line and exits 0, or names the first bad event and exits 1.
"""
import base64
import hashlib
import json
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "Schemas"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def registry() -> Registry:
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in document:
            resources.append((document["$id"], Resource.from_contents(document)))
    return Registry().with_resources(resources)


BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def node_id(public_key: bytes) -> str:
    """base32 (lower case, no padding) of the first 10 bytes of SHA-256 of the raw key."""
    bits = int.from_bytes(hashlib.sha256(public_key).digest()[:10], "big")
    return "".join(BASE32[(bits >> shift) & 31] for shift in range(75, -1, -5))


def main() -> int:
    raw = (open(sys.argv[1], "rb") if len(sys.argv) > 1 else sys.stdin.buffer).read()
    events = json.loads(raw)
    schema = json.loads((SCHEMAS / "log.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(events), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        print(f"schema: {'/'.join(map(str, first.absolute_path))}: {first.message}")
        return 1
    # The array is printed one envelope per line; each line must be the canonical bytes.
    lines = [line.rstrip(b",") for line in raw.split(b"\n")[1:-2]] if events else []
    heads, keys, uncovered, signatures = {}, {}, {}, 0
    for index, event in enumerate(events):
        name = f"event {event['id']} (origin {event['origin']}, sequence {event['sequence']})"
        if lines and lines[index] != canonical(event):
            print(f"{name}: not in canonical form")
            return 1
        # `openedPayload` is what the printing store read with the patient's key: not hashed.
        body = {k: v for k, v in event.items() if k not in ("hash", "signature", "authorSignature", "openedPayload")}
        if hashlib.sha256(canonical(body)).hexdigest() != event["hash"]:
            print(f"{name}: hash does not match its contents")
            return 1
        previous = heads.get(event["origin"])
        expected = 1 if previous is None else previous["sequence"] + 1
        if event["sequence"] != expected:
            print(f"{name}: expected sequence {expected}")
            return 1
        if event["prevHash"] != (None if previous is None else previous["hash"]):
            print(f"{name}: prevHash does not link to the previous event")
            return 1
        if event["clock"].get(event["origin"]) != event["sequence"]:
            print(f"{name}: clock[origin] is not the sequence")
            return 1
        if previous is None:
            key = base64.b64decode(event["payload"].get("publicKey", "")) if event["type"] == "NodeEnrolled" else b""
            if len(key) != 32 or node_id(key) != event["origin"]:
                print(f"{name}: an origin's first event must be its NodeEnrolled with a key that hashes to the origin id")
                return 1
            keys[event["origin"]] = Ed25519PublicKey.from_public_bytes(key)
            if "signature" not in event:
                print(f"{name}: NodeEnrolled is not self-signed")
                return 1
        if "signature" in event:
            try:
                keys[event["origin"]].verify(bytes.fromhex(event["signature"]), b"myolog chain head v1\n" + event["hash"].encode())
            except InvalidSignature:
                print(f"{name}: signature does not verify with the origin's enrolled key")
                return 1
            uncovered.pop(event["origin"], None)
            signatures += 1
        else:
            uncovered.setdefault(event["origin"], name)
        heads[event["origin"]] = event
    if uncovered:
        print(f"{sorted(uncovered.values())[0]}: not covered by any later signature of its origin")
        return 1
    types = sorted({e["type"] for e in events})
    print(f"ok: {len(events)} events, {len(heads)} origins, {len(types)} types valid, canonical, hash-chained, {signatures} signatures verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
