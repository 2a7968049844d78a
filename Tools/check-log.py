#!/usr/bin/env python3
"""Independent check of `myolog log --json` output, with no Myolog code involved.

Reads the JSON array from stdin (or a file argument) and checks, for every event:
  * it validates against Schemas/log.schema.json (JSON Schema 2020-12, Python `jsonschema`): payloads
    about patients sealed, and their `openedPayload` (where the printing store held the key) valid
    for the type;
  * its bytes are canonical JSON (sorted keys, no whitespace, UTF-8) as Myolog hashes them;
  * `hash` is the SHA-256 of the canonical JSON of the envelope without `hash`, `signature`,
    `authorSignature` and `openedPayload` — checked with no key: the chain covers the sealed bytes;
  * per origin, sequences run 1, 2, 3... and each `prevHash` is the previous event's `hash`;
  * clock[origin] == sequence;
  * each origin's first event is its NodeEnrolled, whose Ed25519 public key hashes to the origin id
    and which it signed itself; every `signature` verifies with that key (Python `cryptography`)
    over "myolog chain head v1\n" + hash; every event is followed, in its origin's chain, by a
    signed one (or is signed itself);
  * every event a person wrote is covered by that person's signature over their run of events,
    with a key the users' events (folded here independently) bind to them at that point in causal
    order, and none is written in the name of a user removed before it.
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
    problem, people = check_authors(events)
    if problem:
        print(problem)
        return 1
    types = sorted({e["type"] for e in events})
    print(f"ok: {len(events)} events, {len(heads)} origins, {len(types)} types valid, canonical, hash-chained, {signatures} signatures verified, "
          f"{people} author signatures verified")
    return 0


PEOPLE = {"UserAdded", "UserRoleGranted", "UserRoleRevoked", "UserRemoved", "UserKeyRotated"}
NODE_AUTHORED = {"NodeEnrolled", "ErasureAcknowledged"}


def directory(user_events, clock):
    """The users as the changes causally before `clock` leave them (every change when None), folded in
    (lamport, origin, sequence) order, each obeyed only if its author could make it then."""
    # A user change no person signed (no role named) changes nothing.
    included = [e for e in user_events if "authorRole" in e and (clock is None or clock.get(e["origin"], 0) >= e["sequence"])]
    included.sort(key=lambda e: (e["lamport"], e["origin"], e["sequence"]))
    users = {}
    for e in included:
        p, author = e["payload"], e["author"]
        name = p.get("user")
        manager = author in users and not users[author]["removed"] and "practice-manager" in users[author]["roles"]
        if e["type"] == "UserAdded":
            key = base64.b64decode(p["publicKey"])
            if author == name:
                # By themselves: a store's first user (no user event in its causal past), or the
                # same person founding another store with the key they hold (no new role).
                if name in users:
                    continue
                if any(o is not e and e["clock"].get(o["origin"], 0) >= o["sequence"] for o in included):
                    continue
            elif not manager:
                continue
            if name in users:
                if users[name]["removed"]:
                    continue
                users[name]["roles"] |= set(p["roles"])
                if key not in users[name]["keys"]:
                    users[name]["keys"].append(key)
            else:
                users[name] = {"roles": set(p["roles"]), "keys": [key], "removed": False, "added_by": author}
        elif name not in users:
            continue
        elif e["type"] == "UserKeyRotated":
            if manager or (author == name and not users[name]["removed"]):
                users[name]["keys"] = [base64.b64decode(p["publicKey"])]
        elif not manager:
            continue
        elif e["type"] == "UserRoleGranted":
            users[name]["roles"].add(p["role"])
        elif e["type"] == "UserRoleRevoked":
            users[name]["roles"].discard(p["role"])
        elif e["type"] == "UserRemoved":
            users[name]["removed"] = True
    return users


def check_authors(events):
    """Every event a person wrote (it names an authorRole, or follows its origin's first author-signed
    event) is covered by their Ed25519 signature over `myolog author run v1\n<author>\n<origin>\n<first>\n<hash>`
    on the last event of their run, with a key bound to them at that point and before any removal."""
    user_events = [e for e in events if e["type"] in PEOPLE]
    chains = {}
    for e in events:
        chains.setdefault(e["origin"], []).append(e)
    verified = 0
    for origin, chain in chains.items():
        chain.sort(key=lambda e: e["sequence"])
        signing_from = next((e["sequence"] for e in chain if "authorSignature" in e), None)
        run = None
        for e in chain:
            name = f"event {e['id']} (origin {origin}, sequence {e['sequence']})"
            if e["type"] in PEOPLE and "authorRole" not in e:
                return f"{name}: a {e['type']} must name its author's role and carry their signature", 0
            if e["type"] in NODE_AUTHORED or not ("authorRole" in e or run or (signing_from is not None and e["sequence"] > signing_from)):
                if "authorRole" in e or "authorSignature" in e:
                    return f"{name}: a node's own or unsigned-era event names a person's role or signature", 0
                if run:
                    return f"{name}: the run of {run[0]}'s events from sequence {run[1]} ends before it without their signature", 0
                continue
            if "authorRole" not in e:
                return f"{name}: its origin signs people's events, and this one names no author role or signature", 0
            if run and run[0] != e["author"]:
                return f"{name}: the run of {run[0]}'s events from sequence {run[1]} ends before it without their signature", 0
            run = run or (e["author"], e["sequence"], e["clock"])
            if "authorSignature" not in e:
                if "signature" in e:
                    return f"{name}: signed by its node, but {run[0]}'s run from sequence {run[1]} is not covered by their signature", 0
                continue
            user = directory(user_events, e["clock"]).get(e["author"])
            if user is None:
                return f"{name}: its author {e['author']} has no key bound at this point", 0
            if user["removed"]:
                return f"{name}: written in the name of {e['author']}, removed before it", 0
            keys = signing_keys(user_events, e["author"], origin, run[1], e["sequence"], run[2], user)
            message = f"myolog author run v1\n{e['author']}\n{origin}\n{run[1]}\n{e['hash']}".encode()
            if not any(verifies(key, e["authorSignature"], message) for key in keys):
                return f"{name}: its author signature is not {e['author']}'s over their events from sequence {run[1]}", 0
            verified += 1
            run = None
        if run:
            return f"event of {run[0]} (origin {origin}, sequence {run[1]}): not covered by its author's signature", 0
    return None, verified


def signing_keys(user_events, author, origin, first, last, first_clock, at_end):
    """The keys that may sign `author`'s run first..last in `origin`'s chain: bound just before the run
    and still at its end; a rotation of their own key in the run is signed with the key it replaces,
    and a store's first user enrolling themselves in the run signs with the key it names."""
    before_clock = {k: v for k, v in first_clock.items() if k != origin}
    if first > 1:
        before_clock[origin] = first - 1
    before = directory(user_events, before_clock).get(author)
    in_run = [e for e in user_events if e["origin"] == origin and first <= e["sequence"] <= last
              and e["author"] == author and e["payload"].get("user") == author and "authorRole" in e]
    if before is None:
        founded = any(e["type"] == "UserAdded" for e in in_run) and at_end.get("added_by") == author
        return at_end["keys"] if founded else []
    rotations = [e for e in in_run if e["type"] == "UserKeyRotated"]
    if rotations:
        # Signed with a key bound before the run and still bound just before the rotation.
        rotation = rotations[0]
        point = {k: v for k, v in rotation["clock"].items() if k != rotation["origin"]}
        if rotation["sequence"] > 1:
            point[rotation["origin"]] = rotation["sequence"] - 1
        bound = directory(user_events, point).get(author, {"keys": []})["keys"]
        return [key for key in before["keys"] if key in bound]
    return [key for key in before["keys"] if key in at_end["keys"]]


def verifies(key, signature, message):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(bytes.fromhex(signature), message)
        return True
    except InvalidSignature:
        return False


if __name__ == "__main__":
    sys.exit(main())
