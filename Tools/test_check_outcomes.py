#!/usr/bin/env python3
"""Unit tests of Tools/check-outcomes.py: `python3 Tools/test_check_outcomes.py` (standard unittest).

They show the checker can fail: a wrong instrument file is refused, a wrong Myolog score is named
with both values, and a scoring rule changed in a file breaks the published worked examples.
"""
import contextlib
import importlib.util
import io
import json
import pathlib
import random
import shutil
import tempfile
import unittest
from fractions import Fraction

HERE = pathlib.Path(__file__).resolve().parent
SPEC = importlib.util.spec_from_file_location("check_outcomes", HERE / "check-outcomes.py")
check = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check)


def run(arguments):
    """(exit status, printed text) of check-outcomes.py with `arguments`."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = check.main(arguments)
    return status, out.getvalue()


def random_answer_set(instrument, generator):
    """A random answer set the instrument accepts, sometimes with skipped answers."""
    if instrument.activities is not None:
        count = generator.randint(instrument.activities["minCount"], instrument.activities["maxCount"])
        answers = [generator.randint(instrument.activities["min"], instrument.activities["max"]) for _ in range(count)]
        return answers, [f"Activity {n}" for n in range(1, count + 1)]
    answers = [generator.randint(item["min"], item["max"]) for item in instrument.items]
    for _ in range(generator.choice([0, 0, 0, 1, 2, 3])):
        answers[generator.randrange(len(answers))] = None
    return answers, None


class Rounding(unittest.TestCase):
    def test_half_away_from_zero_with_exact_digits(self):
        cases = [(Fraction(9, 4), 1, "2.3"), (Fraction(47, 20), 1, "2.4"), (Fraction(1, 8), 2, "0.13"),
                 (Fraction(-9, 4), 1, "-2.3"), (Fraction(40), 0, "40"), (Fraction(25, 2), 1, "12.5"),
                 (Fraction(19, 3), 2, "6.33"), (Fraction(1, 3), 0, "0"), (Fraction(-1, 3), 1, "-0.3"),
                 (Fraction(-1, 30), 1, "0.0"), (Fraction(5, 2), 0, "3"), (Fraction(800, 45), 1, "17.8")]
        for value, decimals, text in cases:
            self.assertEqual(check.shown(value, decimals), text, f"{value} to {decimals}")


class InstrumentFiles(unittest.TestCase):
    def setUp(self):
        self.directory = None
        self.fresh()

    def fresh(self):
        """A new copy of the shipped instrument files to spoil."""
        if self.directory is not None:
            shutil.rmtree(self.directory)
        self.directory = pathlib.Path(tempfile.mkdtemp())
        for path in check.INSTRUMENTS.glob("*.json"):
            shutil.copy(path, self.directory / path.name)

    def tearDown(self):
        shutil.rmtree(self.directory)

    def edit(self, name, change):
        path = self.directory / name
        document = json.loads(path.read_text(encoding="utf-8"))
        change(document)
        path.write_text(json.dumps(document), encoding="utf-8")

    def refused(self, name, change, words):
        self.edit(name, change)
        status, printed = run(["--list", "--instruments", str(self.directory)])
        self.assertEqual(status, 1, printed)
        self.assertIn(words, printed)

    def test_the_shipped_files_load_and_pass_their_worked_examples(self):
        self.assertEqual(run(["--self-test"])[0], 0)
        status, printed = run(["--list"])
        self.assertEqual(status, 0)
        self.assertEqual(len(printed.splitlines()), 8, printed)

    def test_a_recoding_must_cover_every_answer(self):
        self.refused("startback.v1.json", lambda d: d["items"][8].update(scoreAs=[0, 0, 1, 1]), "scoreAs has 4 values")

    def test_a_declared_range_must_be_the_rules_own(self):
        self.refused("lefs.v1.json", lambda d: d["scores"][0].update(range=[0, 100]), "declares range")

    def test_item_wording_only_as_far_as_the_licence_allows(self):
        self.refused("odi.v1.json", lambda d: d["items"][0].update(text="Pain intensity"), "itemText is none")

    def test_bands_and_change_must_name_real_scores(self):
        self.refused("startback.v1.json", lambda d: d["bands"][0]["when"][0].update(score="psych"), "names score 'psych'")
        self.fresh()
        self.refused("pcs.v1.json", lambda d: d["change"].update(score="sum"), "change names score 'sum'")

    def test_a_change_needs_a_threshold(self):
        def without_thresholds(document):
            del document["change"]["mcid"], document["change"]["mdc"]
        self.refused("lefs.v1.json", without_thresholds, "change needs an mcid or an mdc")

    def test_a_sum_allows_no_skipped_item(self):
        self.refused("rmdq.v1.json", lambda d: d["scores"][0].update(maxSkipped=1), "a sum allows no skipped item")

    def test_subscale_items_must_exist(self):
        self.refused("pcs.v1.json", lambda d: d["scores"][1].update(items=[8, 9, 10, 14]), "covers items")

    def test_schema_violations_are_refused(self):
        self.refused("quickdash.v1.json", lambda d: d["scores"][0].update(rule="median"), "quickdash.v1.json: scores/0/rule")

    def test_the_file_name_carries_id_and_version(self):
        self.refused("psfs.v1.json", lambda d: d.update(version=2), "must be named psfs.v2.json")

    def test_a_changed_scoring_rule_breaks_the_worked_examples(self):
        self.edit("quickdash.v1.json", lambda d: d["scores"][0].update(maxSkipped=2))
        status, printed = run(["--self-test", "--instruments", str(self.directory)])
        self.assertEqual(status, 1)
        self.assertIn("quickdash", printed)
        self.fresh()
        self.edit("startback.v1.json", lambda d: d["scores"][1].update(items=[1, 2, 3, 4, 5]))
        status, printed = run(["--self-test", "--instruments", str(self.directory)])
        self.assertEqual(status, 1)
        self.assertIn("startback", printed)

    def test_an_instrument_without_a_worked_example_fails_the_self_test(self):
        self.edit("lefs.v1.json", lambda d: d.update(id="lefs-copy"))
        (self.directory / "lefs.v1.json").rename(self.directory / "lefs-copy.v1.json")
        status, printed = run(["--self-test", "--instruments", str(self.directory)])
        self.assertEqual(status, 1)
        self.assertIn("no worked example from the published source for: lefs-copy", printed)


class IndependentFormulas(unittest.TestCase):
    """percentOfAnswered against the formulas the manuals print, on seeded random answer sets."""

    def setUp(self):
        self.instruments = check.load(check.INSTRUMENTS)
        self.generator = random.Random(34)

    def test_quickdash_is_the_dash_formula(self):
        quickdash = self.instruments[("quickdash", 1)]
        for _ in range(2000):
            answers, _ = random_answer_set(quickdash, self.generator)
            answered = [a for a in answers if a is not None]
            got = quickdash.scored(answers)["exact"]["total"]
            if len(answered) < 10:
                self.assertIsNone(got)
            else:
                self.assertEqual(got, (Fraction(sum(answered), len(answered)) - 1) * 25)

    def test_ndi_and_odi_shrink_the_denominator_by_five_per_skip(self):
        for key, scale, allowed in ((("ndi", 1), 50, 2), (("odi", 1), 100, 1)):
            instrument = self.instruments[key]
            for _ in range(2000):
                answers, _ = random_answer_set(instrument, self.generator)
                answered = [a for a in answers if a is not None]
                got = instrument.scored(answers)["exact"]["total"]
                if len(answers) - len(answered) > allowed:
                    self.assertIsNone(got)
                else:
                    self.assertEqual(got, Fraction(sum(answered), 5 * len(answered)) * scale)

    def test_startback_bands_follow_the_keele_flowchart(self):
        startback = self.instruments[("startback", 1)]
        for _ in range(2000):
            answers = [self.generator.randint(0, 1) for _ in range(8)] + [self.generator.randint(0, 4)]
            positive = answers[:8] + [1 if answers[8] >= 3 else 0]
            total, distress = sum(positive), sum(positive[4:])
            expected = "low" if total <= 3 else ("high" if distress >= 4 else "medium")
            self.assertEqual(startback.scored(answers)["band"], expected, answers)


class Compare(unittest.TestCase):
    def setUp(self):
        self.instruments = check.load(check.INSTRUMENTS)
        self.directory = pathlib.Path(tempfile.mkdtemp())
        generator = random.Random(2026)
        self.lines = []
        for (instrument_id, version), instrument in sorted(self.instruments.items()):
            for _ in range(50):
                answers, activities = random_answer_set(instrument, generator)
                scored = instrument.scored(answers, activities)
                line = {"instrument": instrument_id, "version": version, "answers": answers,
                        "scores": scored["scores"], "band": scored["band"],
                        "unscored": None if scored["unscored"] is None else "Myolog's own words"}
                if activities is not None:
                    line["activities"] = activities
                self.lines.append(line)

    def tearDown(self):
        shutil.rmtree(self.directory)

    def compared(self, lines):
        path = self.directory / "answers.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        return run(["--compare", str(path)])

    def test_agreeing_answer_sets_are_counted(self):
        status, printed = self.compared(self.lines)
        self.assertEqual(status, 0, printed)
        self.assertEqual(printed.strip(), f"{len(self.lines)} answer sets agree across 8 instruments")

    def test_a_differing_score_is_named_with_both_values(self):
        scored = next(n for n, line in enumerate(self.lines) if line["instrument"] == "psfs")
        self.lines[scored]["scores"]["mean"] = "9.9" if self.lines[scored]["scores"]["mean"] != "9.9" else "9.8"
        status, printed = self.compared(self.lines)
        self.assertEqual(status, 1)
        self.assertIn(f"line {scored + 1}:", printed)
        self.assertIn("scores.mean: Myolog '9.", printed)
        self.assertIn("check-outcomes", printed)

    def test_band_unscored_unknown_scores_and_instruments_are_compared(self):
        startback = next(n for n, line in enumerate(self.lines) if line["instrument"] == "startback")
        self.lines[startback]["band"] = "extreme"
        complete = next(n for n, line in enumerate(self.lines) if line["unscored"] is None and line["instrument"] == "ndi")
        self.lines[complete]["unscored"] = "skipped too many"
        self.lines[0]["scores"]["bonus"] = "1"
        self.lines.append({"instrument": "ndi", "version": 9, "answers": [0] * 10, "scores": {}, "band": None})
        self.lines.append({"instrument": "ndi", "version": 1.0, "answers": [0] * 10, "scores": {"total": "0.0"}, "band": None})
        status, printed = self.compared(self.lines)
        self.assertEqual(status, 1)
        for words in ("band: Myolog 'extreme'", "unscored: Myolog 'skipped too many'", "scores.bonus",
                      "no instrument 'ndi' version 9", "no instrument 'ndi' version 1.0", "5 of"):
            self.assertIn(words, printed)

    def test_at_most_ten_differing_lines_are_printed(self):
        for line in self.lines:
            line["band"] = "wrong"
        status, printed = self.compared(self.lines)
        self.assertEqual(status, 1)
        self.assertEqual(printed.count("  line "), 10)

    def test_an_answer_set_outside_the_instrument_is_a_difference(self):
        self.lines[0]["answers"] = [9] * len(self.lines[0]["answers"])
        status, printed = self.compared(self.lines)
        self.assertEqual(status, 1)
        self.assertIn("refuses", printed)

    def test_an_empty_file_compares_nothing_and_fails(self):
        status, printed = self.compared([])
        self.assertEqual(status, 1)
        self.assertIn("nothing was compared", printed)


if __name__ == "__main__":
    unittest.main()
