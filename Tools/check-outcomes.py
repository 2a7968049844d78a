#!/usr/bin/env python3
"""Independent scorer of the outcome measures (instruments), with no Myolog code involved.

Reads every instrument file in Sources/ClinicalEvents/Instruments/ (ID.vVERSION.json), validates it
against Schemas/instrument.schema.json (JSON Schema 2020-12, Python `jsonschema`) and against the
rules the schema cannot say (items numbered 1..n, a recoding for every answer, subscale items that
exist, a declared range equal to the rule's own range, bands and change naming real scores, item
wording only as far as the licence allows), then scores answer sets with its own arithmetic: exact
fractions (`fractions.Fraction`), rounded half away from zero only for display.

  check-outcomes.py --list                 one line per instrument: id, version, name
  check-outcomes.py --compare FILE.jsonl   rescore each answer set Myolog scored; exit 1 naming the
                                           first differing lines (at most 10), both values shown
  check-outcomes.py --self-test            worked examples from each instrument's published source
  --instruments DIR                        read the instrument files from DIR instead

A --compare line is {"instrument": "ndi", "version": 1, "answers": [2, 3, null, ...],
"activities": ["Reaching overhead", ...] (PSFS only, parallel to answers), "scores": {"total":
"12.5", ...}, "band": "low" | null, "unscored": "reason" | null}. Scoring, as the schema describes:
  * an answer is an integer in its item's min..max, or null (skipped); `scoreAs` recodes it
    (the value is scoreAs[answer - min]);
  * a score covers its `items` (all items, or all activities, when absent); with more than
    `maxSkipped` (default 0) of them skipped it is absent, and `unscored` is given exactly when the
    first (the instrument's own) score is absent;
  * sum = the sum of the values; percentOfAnswered = sum(value - low) / sum(high - low) over the
    answered items × scale, low and high being the item's min and max (or the least and greatest
    recoded values); mean = the sum ÷ the number answered;
  * shown rounded half away from zero to `decimals`, with exactly that many digits after the point;
  * the band is the first whose every condition holds on the exact scores ("when": [] always
    holds); null when the instrument has no bands, when no band holds, or when any score a band
    names is absent (an incomplete screen is not classified).
"""
import argparse
import json
import pathlib
import sys
from fractions import Fraction

from jsonschema import Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "Schemas" / "instrument.schema.json"
INSTRUMENTS = ROOT / "Sources" / "ClinicalEvents" / "Instruments"


class InstrumentFileError(Exception):
    """An instrument file that must not be used to score anything."""


class AnswerSetRefused(Exception):
    """An answer set the instrument does not accept (wrong count, out of range, not an integer)."""


def decimal(text: str) -> Fraction:
    return Fraction(text)


def shown(value: Fraction, decimals: int) -> str:
    """`value` rounded half away from zero to `decimals` digits, printed with exactly that many."""
    scaled = abs(value) * 10**decimals
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    digits = str(whole).rjust(decimals + 1, "0")
    text = digits if decimals == 0 else digits[:-decimals] + "." + digits[-decimals:]
    return "-" + text if value < 0 and whole != 0 else text


class Instrument:
    """One instrument version, checked on load; scores answer sets."""

    def __init__(self, document: dict, path: pathlib.Path):
        self.document = document
        self.path = path
        self.id = document["id"]
        self.version = document["version"]
        self.name = document["name"]
        self.scores = document["scores"]
        self.bands = document.get("bands", [])
        self.activities = document.get("activities")
        self.items = document.get("items", [])
        self.check()

    # --- the rules the schema cannot express -------------------------------------------------

    def fail(self, message: str):
        raise InstrumentFileError(f"{self.path.name}: {message}")

    def check(self):
        expected_name = f"{self.id}.v{self.version}.json"
        if self.path.name != expected_name:
            self.fail(f"the file for {self.id} version {self.version} must be named {expected_name}")
        for index, item in enumerate(self.items, start=1):
            if item["number"] != index:
                self.fail(f"item {index} is numbered {item['number']}: items are numbered 1..n in order")
            if item["min"] >= item["max"]:
                self.fail(f"item {index} has min {item['min']} not below max {item['max']}")
            if "scoreAs" in item and len(item["scoreAs"]) != item["max"] - item["min"] + 1:
                self.fail(f"item {index}'s scoreAs has {len(item['scoreAs'])} values for "
                          f"{item['max'] - item['min'] + 1} answers ({item['min']}..{item['max']})")
        if self.activities is not None:
            if self.activities["minCount"] > self.activities["maxCount"]:
                self.fail("activities.minCount is above activities.maxCount")
            if self.activities["min"] >= self.activities["max"]:
                self.fail("activities.min is not below activities.max")
        text_policy = self.document["licence"]["itemText"]
        with_text = [item["number"] for item in self.items if "text" in item]
        if text_policy == "none" and with_text:
            self.fail(f"licence.itemText is none but items {with_text} carry text")
        if text_policy != "none" and len(with_text) != len(self.items):
            self.fail(f"licence.itemText is {text_policy} but not every item has its text")
        score_ids = [score["id"] for score in self.scores]
        if len(set(score_ids)) != len(score_ids):
            self.fail(f"score ids repeat: {score_ids}")
        for score in self.scores:
            self.check_score(score)
        band_ids = [band["id"] for band in self.bands]
        if len(set(band_ids)) != len(band_ids):
            self.fail(f"band ids repeat: {band_ids}")
        for band in self.bands:
            for condition in band["when"]:
                if condition["score"] not in score_ids:
                    self.fail(f"band {band['id']} names score {condition['score']!r}, not one of {score_ids}")
                if "atLeast" not in condition and "atMost" not in condition:
                    self.fail(f"band {band['id']} has a condition with neither atLeast nor atMost")
        change = self.document.get("change")
        if change is not None:
            if "mcid" not in change and "mdc" not in change:
                self.fail("change needs an mcid or an mdc to judge a change by")
            if change["score"] not in score_ids:
                self.fail(f"change names score {change['score']!r}, not one of {score_ids}")
            for kind in ("mcid", "mdc"):
                threshold = change.get(kind)
                if threshold is None:
                    continue
                if decimal(threshold["points"]) <= 0:
                    self.fail(f"change.{kind}.points must be above 0")
                if "singleItemPoints" in threshold and self.activities is None:
                    self.fail(f"change.{kind}.singleItemPoints is for patient-chosen activities only")

    def check_score(self, score: dict):
        name = f"score {score['id']}"
        covered = score.get("items")
        if covered is not None:
            if self.activities is not None:
                self.fail(f"{name} lists items, but activities are patient-chosen and always all scored")
            numbers = {item["number"] for item in self.items}
            if not covered or len(set(covered)) != len(covered) or not set(covered) <= numbers:
                self.fail(f"{name} covers items {covered}: each must be an item number, once")
        if (score["rule"] == "percentOfAnswered") != ("scale" in score):
            self.fail(f"{name}: scale is given exactly for the percentOfAnswered rule")
        allowed = score.get("maxSkipped", 0)
        if score["rule"] == "sum" and allowed:
            self.fail(f"{name}: a sum allows no skipped item (maxSkipped {allowed})")
        if self.activities is not None:
            if score["rule"] == "sum":
                self.fail(f"{name}: a sum over a patient-chosen number of activities compares nothing")
            if allowed >= self.activities["minCount"]:
                self.fail(f"{name}: maxSkipped {allowed} would let an answer set with nothing rated be scored")
        elif allowed >= len(covered if covered is not None else self.items):
            self.fail(f"{name}: maxSkipped {allowed} would let an answer set with nothing answered be scored")
        declared = [Fraction(bound) for bound in score["range"]]
        if declared != self.rule_range(score):
            self.fail(f"{name} declares range {score['range']} but its rule gives "
                      f"{[shown(bound, 2) for bound in self.rule_range(score)]}")

    def item_bounds(self, number: int) -> tuple:
        """The least and greatest value an item counts as (after recoding)."""
        if self.activities is not None:
            return Fraction(self.activities["min"]), Fraction(self.activities["max"])
        item = self.items[number - 1]
        if "scoreAs" in item:
            return Fraction(min(item["scoreAs"])), Fraction(max(item["scoreAs"]))
        return Fraction(item["min"]), Fraction(item["max"])

    def rule_range(self, score: dict) -> list:
        if score["rule"] == "percentOfAnswered":
            return [Fraction(0), Fraction(score["scale"])]
        if self.activities is not None:
            return list(self.item_bounds(1))
        numbers = score.get("items") or [item["number"] for item in self.items]
        bounds = [self.item_bounds(number) for number in numbers]
        if score["rule"] == "sum":
            return [sum(low for low, _ in bounds), sum(high for _, high in bounds)]
        return [min(low for low, _ in bounds), max(high for _, high in bounds)]

    # --- scoring ----------------------------------------------------------------------------

    def accept(self, answers, activities=None) -> list:
        """The answers as Python values, or AnswerSetRefused naming what the instrument accepts."""
        if not isinstance(answers, list):
            raise AnswerSetRefused("answers must be a list")
        if self.activities is not None:
            low, high = self.activities["minCount"], self.activities["maxCount"]
            if not low <= len(answers) <= high:
                raise AnswerSetRefused(f"{self.id} takes {low} to {high} activities, not {len(answers)}")
            if (not isinstance(activities, list) or len(activities) != len(answers)
                    or not all(isinstance(name, str) and name.strip() for name in activities)):
                raise AnswerSetRefused(f"{self.id} needs one named activity per rating")
            ranges = [(self.activities["min"], self.activities["max"])] * len(answers)
        else:
            if len(answers) != len(self.items):
                raise AnswerSetRefused(f"{self.id} has {len(self.items)} items, not {len(answers)} answers")
            ranges = [(item["min"], item["max"]) for item in self.items]
        for number, (answer, (low, high)) in enumerate(zip(answers, ranges), start=1):
            if answer is None:
                continue
            if isinstance(answer, bool) or not isinstance(answer, int) or not low <= answer <= high:
                raise AnswerSetRefused(f"{self.id} item {number} takes {low}..{high} or a skip, not {answer!r}")
        return answers

    def value(self, number: int, answer: int) -> Fraction:
        if self.activities is None:
            item = self.items[number - 1]
            if "scoreAs" in item:
                return Fraction(item["scoreAs"][answer - item["min"]])
        return Fraction(answer)

    def score(self, spec: dict, answers: list):
        """(exact score or None, why it is absent or None)."""
        covered = spec.get("items") or list(range(1, len(answers) + 1))
        skipped = [number for number in covered if answers[number - 1] is None]
        allowed = spec.get("maxSkipped", 0)
        if len(skipped) > allowed:
            return None, (f"{spec['label']}: {len(skipped)} of {len(covered)} items skipped "
                          f"({', '.join(map(str, skipped))}); at most {allowed} may be")
        answered = [number for number in covered if answers[number - 1] is not None]
        values = [self.value(number, answers[number - 1]) for number in answered]
        if spec["rule"] == "sum":
            return sum(values, Fraction(0)), None
        if spec["rule"] == "mean":
            return sum(values, Fraction(0)) / len(values), None
        bounds = [self.item_bounds(number) for number in answered]
        above_low = sum((v - low for v, (low, _) in zip(values, bounds)), Fraction(0))
        span = sum((high - low for low, high in bounds), Fraction(0))
        return above_low / span * spec["scale"], None

    def band(self, exact: dict):
        if not self.bands:
            return None
        named = {condition["score"] for band in self.bands for condition in band["when"]}
        if any(exact[name] is None for name in named):
            return None
        for band in self.bands:
            if all(self.holds(condition, exact[condition["score"]]) for condition in band["when"]):
                return band["id"]
        return None

    @staticmethod
    def holds(condition: dict, value: Fraction) -> bool:
        if "atLeast" in condition and value < decimal(condition["atLeast"]):
            return False
        if "atMost" in condition and value > decimal(condition["atMost"]):
            return False
        return True

    def scored(self, answers, activities=None) -> dict:
        """{"scores": {id: shown or None}, "exact": {id: Fraction or None}, "band", "unscored"}."""
        answers = self.accept(answers, activities)
        exact, reasons = {}, {}
        for spec in self.scores:
            exact[spec["id"]], reasons[spec["id"]] = self.score(spec, answers)
        scores = {spec["id"]: None if exact[spec["id"]] is None else shown(exact[spec["id"]], spec["decimals"])
                  for spec in self.scores}
        return {"scores": scores, "exact": exact, "band": self.band(exact),
                "unscored": reasons[self.scores[0]["id"]]}


def load(directory: pathlib.Path) -> dict:
    """{(id, version): Instrument} for every file in `directory`, or InstrumentFileError."""
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    instruments = {}
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise InstrumentFileError(f"no instrument files in {directory}")
    for path in paths:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise InstrumentFileError(f"{path.name}: not JSON ({error})") from None
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(map(str, errors[0].absolute_path)) or "(top)"
            raise InstrumentFileError(f"{path.name}: {where}: {errors[0].message}")
        instrument = Instrument(document, path)
        key = (instrument.id, instrument.version)
        if key in instruments:
            raise InstrumentFileError(f"{path.name}: {instrument.id} version {instrument.version} is defined twice")
        instruments[key] = instrument
    return instruments


# --- --compare --------------------------------------------------------------------------------

def differences(instruments: dict, line: str) -> tuple:
    """(instrument id or None, [what differs]) for one line of Myolog's answer sets."""
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as error:
        return None, [f"not JSON ({error})"]
    if not isinstance(entry, dict):
        return None, ["not a JSON object"]
    key = (entry.get("instrument"), entry.get("version"))
    # 1.0 and true equal 1 in Python: a version is an integer in the JSON, or no version at all.
    strict = isinstance(key[1], int) and not isinstance(key[1], bool)
    instrument = instruments.get(key) if strict else None
    if instrument is None:
        return None, [f"no instrument {key[0]!r} version {key[1]!r} among the files"]
    try:
        expected = instrument.scored(entry.get("answers"), entry.get("activities"))
    except AnswerSetRefused as refusal:
        return instrument.id, [f"Myolog scored an answer set check-outcomes refuses: {refusal}"]
    found = []
    given = entry.get("scores")
    if not isinstance(given, dict):
        return instrument.id, [f"scores: Myolog {given!r}, check-outcomes {expected['scores']}"]
    for score_id, mine in expected["scores"].items():
        theirs = given.get(score_id)
        if theirs != mine:
            found.append(f"scores.{score_id}: Myolog {theirs!r}, check-outcomes {mine!r}")
    for score_id in sorted(set(given) - set(expected["scores"])):
        found.append(f"scores.{score_id}: Myolog {given[score_id]!r}, not a score of {instrument.id} v{instrument.version}")
    if entry.get("band") != expected["band"]:
        found.append(f"band: Myolog {entry.get('band')!r}, check-outcomes {expected['band']!r}")
    theirs_unscored = entry.get("unscored")
    if (theirs_unscored is None) != (expected["unscored"] is None):
        found.append(f"unscored: Myolog {theirs_unscored!r}, check-outcomes {expected['unscored']!r}")
    return instrument.id, found


def compare(instruments: dict, path: pathlib.Path) -> int:
    lines = [(number, text) for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if text.strip()]
    if not lines:
        print(f"check-outcomes: no answer sets in {path}: nothing was compared")
        return 1
    differing, seen = [], set()
    for number, text in lines:
        instrument_id, found = differences(instruments, text)
        if instrument_id is not None:
            seen.add(instrument_id)
        if found:
            differing.append((number, text, found))
    if differing:
        print(f"check-outcomes: {len(differing)} of {len(lines)} answer sets differ from Myolog's scores; the first:")
        for number, text, found in differing[:10]:
            print(f"  line {number}: {text.strip()[:160]}")
            for difference in found:
                print(f"    {difference}")
        return 1
    print(f"{len(lines)} answer sets agree across {len(seen)} instruments")
    return 0


# --- --self-test: worked examples from the published sources ---------------------------------

# Each example: (instrument, version, answers, activities, expected shown scores, band, unscored?).
EXAMPLES = [
    # NDI — scoring instructions printed with Vernon & Mior's form (Vernon H, Mior S, J Manipulative
    # Physiol Ther 1991;14:409-415): "16 (total scored) / 50 (total possible) x 100 = 32%"; "if one
    # section is missed ... 16 / 45 x 100 = 35.5%" (the form truncates; exactly 35.56%). In points out
    # of 50 these are 16.0 and 17.8 (35.56% / 2).
    ("ndi", 1, [2, 2, 2, 2, 2, 2, 1, 1, 1, 1], None, {"total": "16.0"}, None, False),
    ("ndi", 1, [2, 2, 2, 2, 2, 2, 2, 1, 1, None], None, {"total": "17.8"}, None, False),
    # Vernon H, J Manipulative Physiol Ther 2008;31:491-502: not scored with more than two missing.
    ("ndi", 1, [2, None, 2, None, 2, None, 1, 1, 1, 1], None, {"total": None}, None, True),
    # ODI 2.1a — Fairbank JCT, Pynsent PB, Spine 2000;25:2940-2953, the same worked example in percent:
    # 16/50 = 32%; one section missed 16/45 = 35.56% (printed 35.5%); two missed: no score (AO ODI
    # algorithm, one missing section at most).
    ("odi", 1, [2, 2, 2, 2, 2, 2, 1, 1, 1, 1], None, {"total": "32.0"}, None, False),
    ("odi", 1, [2, 2, 2, 2, 2, 2, 2, None, 1, 1], None, {"total": "35.6"}, None, False),
    ("odi", 1, [2, 2, 2, 2, 2, 2, 2, None, None, 2], None, {"total": None}, None, True),
    # RMDQ — Roland M, Morris R, Spine 1983;8:141-144 / Roland & Fairbank, Spine 2000: the score is the
    # number of statements ticked (0-24); twelve ticked is 12.
    ("rmdq", 1, [1] * 12 + [0] * 12, None, {"total": "12"}, None, False),
    ("rmdq", 1, [0] * 24, None, {"total": "0"}, None, False),
    ("rmdq", 1, [1] * 24, None, {"total": "24"}, None, False),
    # PSFS — Stratford P et al., Physiother Can 1995;47:258-263, as printed on the form: "Total score
    # = sum of the activity scores / number of activities": 3 + 5 + 6 over three activities = 4.67,
    # shown 4.7; 9 / 4 = 2.25 shown 2.3 (half away from zero, not to even).
    ("psfs", 1, [3, 5, 6], ["Reaching overhead", "Lifting a child", "Sleeping on my side"],
     {"mean": "4.7"}, None, False),
    ("psfs", 1, [2, 2, 2, 3], ["Running", "Squatting", "Kneeling", "Stairs"], {"mean": "2.3"}, None, False),
    ("psfs", 1, [10], ["Gardening"], {"mean": "10.0"}, None, False),
    # QuickDASH — IWH scoring instructions: ([(sum of n responses) / n] - 1) x 25; not calculated with
    # more than 1 item missing. All eleven at 3: (33/11 - 1) x 25 = 50; 1..5 repeated: (31/11 - 1) x 25
    # = 45.45; one missing, 30 over ten answers: (3 - 1) x 25 = 50; the ends 0 and 100.
    ("quickdash", 1, [3] * 11, None, {"total": "50.0"}, None, False),
    ("quickdash", 1, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1], None, {"total": "45.5"}, None, False),
    ("quickdash", 1, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, None], None, {"total": "50.0"}, None, False),
    ("quickdash", 1, [1] * 11, None, {"total": "0.0"}, None, False),
    ("quickdash", 1, [5] * 11, None, {"total": "100.0"}, None, False),
    ("quickdash", 1, [3] * 9 + [None, None], None, {"total": None}, None, True),
    # LEFS — Binkley JM et al., Phys Ther 1999;79:371-383: the sum of the twenty items (0-4), 0-80.
    ("lefs", 1, [4] * 20, None, {"total": "80"}, None, False),
    ("lefs", 1, [3] * 10 + [2] * 10, None, {"total": "50"}, None, False),
    ("lefs", 1, [4] * 19 + [None], None, {"total": None}, None, True),
    # STarT Back — Keele scoring guide and flowchart (Hill JC et al., Arthritis Rheum 2008;59:632-641;
    # LOINC 91352-5): total 0-3 low; total 4+ with distress (Q5-9) 0-3 medium, 4-5 high; Q9 counts
    # only for "very much" (3) or "extremely" (4).
    ("startback", 1, [1, 1, 0, 0, 0, 0, 0, 0, 2], None, {"total": "2", "distress": "0"}, "low", False),
    ("startback", 1, [1, 1, 1, 1, 0, 0, 0, 0, 1], None, {"total": "4", "distress": "0"}, "medium", False),
    ("startback", 1, [1, 1, 1, 0, 1, 1, 1, 0, 2], None, {"total": "6", "distress": "3"}, "medium", False),
    ("startback", 1, [0, 0, 0, 0, 1, 1, 1, 1, 3], None, {"total": "5", "distress": "5"}, "high", False),
    ("startback", 1, [1, 0, 0, 0, 1, 1, 1, 0, 4], None, {"total": "5", "distress": "4"}, "high", False),
    ("startback", 1, [0, 0, 0, 0, 1, 1, 1, 0, 0], None, {"total": "3", "distress": "3"}, "low", False),
    ("startback", 1, [1, 1, 1, 1, 1, 1, 1, 1, None], None, {"total": None, "distress": None}, None, True),
    # PCS — Sullivan MJL, PCS User Manual (McGill 2009; Sullivan, Bishop & Pivik 1995): total = sum of
    # the 13 items; rumination 8-11, magnification 6, 7, 13, helplessness 1-5 and 12.
    ("pcs", 1, [2] * 13, None,
     {"total": "26", "rumination": "8", "magnification": "6", "helplessness": "12"}, None, False),
    ("pcs", 1, [4, 4, 4, 4, 4, 0, 2, 1, 1, 1, 1, 4, 3], None,
     {"total": "33", "rumination": "4", "magnification": "5", "helplessness": "24"}, None, False),
]

# Answer sets each instrument must refuse (the command's "Bad input" cases).
REFUSALS = [
    ("ndi", 1, [2, 3, 1, 0, 4, 2, 1, 3, 2], None),          # nine answers for ten items
    ("ndi", 1, [6, 3, 1, 0, 4, 2, 1, 3, 2, 0], None),       # 6 outside 0..5
    ("quickdash", 1, [0] + [3] * 10, None),                  # 0 outside 1..5
    ("startback", 1, [2, 0, 0, 0, 0, 0, 0, 0, 0], None),     # agree/disagree is 1 or 0
    ("psfs", 1, [], []),                                      # fewer than 1 activity
    ("psfs", 1, [5] * 6, ["a", "b", "c", "d", "e", "f"]),     # more than 5
    ("psfs", 1, [5, 5], ["Reaching overhead"]),               # a rating without its activity
    ("rmdq", 1, [True] + [0] * 23, None),                     # a boolean is not an answer
]


def self_test(instruments: dict) -> int:
    failures = []
    for instrument_id, version, answers, activities, scores, band, unscored in EXAMPLES:
        instrument = instruments.get((instrument_id, version))
        if instrument is None:
            failures.append(f"{instrument_id} v{version}: no such instrument file")
            continue
        try:
            got = instrument.scored(answers, activities)
        except AnswerSetRefused as refusal:
            failures.append(f"{instrument_id} {answers}: refused ({refusal})")
            continue
        if got["scores"] != scores or got["band"] != band or (got["unscored"] is not None) != unscored:
            failures.append(f"{instrument_id} {answers}: expected {scores}, band {band!r}, unscored {unscored}; "
                            f"got {got['scores']}, band {got['band']!r}, unscored {got['unscored']!r}")
    for instrument_id, version, answers, activities in REFUSALS:
        try:
            got = instruments[(instrument_id, version)].scored(answers, activities)
            failures.append(f"{instrument_id} {answers}: scored {got['scores']}, should be refused")
        except AnswerSetRefused:
            pass
    untested = sorted({key[0] for key in instruments} - {example[0] for example in EXAMPLES})
    if untested:
        failures.append(f"no worked example from the published source for: {', '.join(untested)}")
    if failures:
        print(f"check-outcomes self-test: {len(failures)} failure(s):")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print(f"check-outcomes self-test: {len(EXAMPLES)} worked examples and {len(REFUSALS)} refusals agree "
          f"across {len(instruments)} instruments")
    return 0


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(description="Independent scorer of Myolog's outcome measures.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--list", action="store_true", help="list the instruments")
    action.add_argument("--compare", metavar="FILE.jsonl", type=pathlib.Path, help="rescore Myolog's answer sets")
    action.add_argument("--self-test", action="store_true", help="score the published worked examples")
    parser.add_argument("--instruments", metavar="DIR", type=pathlib.Path, default=INSTRUMENTS)
    options = parser.parse_args(arguments)
    try:
        instruments = load(options.instruments)
    except InstrumentFileError as error:
        print(f"check-outcomes: {error}")
        return 1
    if options.list:
        for (instrument_id, version), instrument in sorted(instruments.items()):
            print(f"{instrument_id}\tv{version}\t{instrument.name}")
        return 0
    if options.compare:
        return compare(instruments, options.compare)
    return self_test(instruments)


if __name__ == "__main__":
    sys.exit(main())
