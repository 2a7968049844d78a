#!/usr/bin/env python3
"""Validates `myolog export fhir` output (and Bundles of AuditEvents) with an independent FHIR implementation.

Each Bundle is validated with the R4B models of `fhir.resources` (pydantic), every entry's
resource again with its own resource class, and every `urn:uuid:` reference must point at an
entry of the same Bundle. R4B is FHIR 4.3, the R4 line: the resources used here are the same.

Usage: python3 Tools/check-fhir.py BUNDLE.json [...]      or      python3 Tools/check-fhir.py --dir EXPORT_DIR
Prints `ok: …` and exits 0, or names the first problem and exits 1.
"""
import collections
import json
import pathlib
import sys

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


# Required bindings that fhir.resources' models do not enforce (they check types, cardinality
# and formats, not code values): the status codes of the resources the export writes (R4).
REQUIRED_CODES = {
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"},
    ("Procedure", "status"): {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"},
    ("Encounter", "status"): {"planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"},
    ("MedicationStatement", "status"): {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"},
    ("CodeSystem", "status"): {"draft", "active", "retired", "unknown"},
    ("CodeSystem", "content"): {"not-present", "example", "fragment", "complete", "supplement"},
    ("Composition", "status"): {"preliminary", "final", "amended", "entered-in-error"},
    ("Consent", "status"): {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
    ("Flag", "status"): {"active", "inactive", "entered-in-error"},
    ("AdverseEvent", "actuality"): {"actual", "potential"},
    ("AuditEvent", "action"): {"C", "R", "U", "D", "E"},
    ("AuditEvent", "outcome"): {"0", "4", "8", "12"},
    ("QuestionnaireResponse", "status"): {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("Bundle", "type"): {"document", "message", "transaction", "transaction-response", "batch", "batch-response", "history", "searchset", "collection"},
}


# Required bindings inside a Consent (R4): its provision's type and its scope's code.
PROVISION_TYPES = {"deny", "permit"}
CONSENT_SCOPES = {"adr", "research", "patient-privacy", "treatment"}


def check_codes(kind, resource, where):
    for (resource_type, element), allowed in REQUIRED_CODES.items():
        if resource_type == kind and element in resource and resource[element] not in allowed:
            raise SystemExit(f"{where}: {kind}.{element} {resource[element]!r} is not in its required value set")
    if kind == "Consent":
        provision = resource.get("provision", {})
        if "type" in provision and provision["type"] not in PROVISION_TYPES:
            raise SystemExit(f"{where}: Consent.provision.type {provision['type']!r} is not in its required value set")
        codes = [c.get("code") for c in resource.get("scope", {}).get("coding", []) if c.get("system") == "http://terminology.hl7.org/CodeSystem/consentscope"]
        if not codes or any(code not in CONSENT_SCOPES for code in codes):
            raise SystemExit(f"{where}: Consent.scope {codes!r} is not in its required value set")
        # ppc-1: a policy or a policy rule; ppc-5: a treatment consent names its patient.
        if not (resource.get("policy") or resource.get("policyRule")) or "patient" not in resource:
            raise SystemExit(f"{where}: Consent needs a policy or policyRule (ppc-1) and, for treatment, a patient (ppc-5)")
    if kind == "Composition":
        for number, section in enumerate(resource.get("section", []), 1):
            if not (section.get("text") or section.get("entry") or section.get("section")):  # cmp-1
                raise SystemExit(f"{where}: Composition.section {number} has no text, entry or section (cmp-1)")


MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def check_responses(resources, where):
    """Each QuestionnaireResponse whose Questionnaire (`url|version`) is in the Bundle answers only
    that Questionnaire's items: every linkId one of its items, at most once, each answer an integer
    (the items are integer items) within the item's minValue…maxValue."""
    questionnaires = {}
    for resource in resources:
        if resource["resourceType"] == "Questionnaire":
            questionnaires[f"{resource.get('url')}|{resource.get('version')}"] = resource
    for resource in resources:
        if resource["resourceType"] != "QuestionnaireResponse":
            continue
        questionnaire = questionnaires.get(resource.get("questionnaire"))
        if questionnaire is None:
            continue
        items = {item["linkId"]: item for item in questionnaire.get("item", [])}
        seen = set()
        for item in resource.get("item", []):
            link = item.get("linkId")
            definition = items.get(link)
            if definition is None or link in seen:
                raise SystemExit(f"{where}: QuestionnaireResponse {resource.get('id')}: item {link!r} is not an item of {resource['questionnaire']} (or repeats)")
            seen.add(link)
            bounds = {extension["url"]: extension.get("valueInteger") for extension in definition.get("extension", [])}
            for answer in item.get("answer", []):
                value = answer.get("valueInteger")
                if definition.get("type") != "integer" or not isinstance(value, int) or isinstance(value, bool):
                    raise SystemExit(f"{where}: QuestionnaireResponse {resource.get('id')}: item {link} answer {answer!r} is not an integer")
                if not bounds.get(MIN_VALUE, value) <= value <= bounds.get(MAX_VALUE, value):
                    raise SystemExit(f"{where}: QuestionnaireResponse {resource.get('id')}: item {link} answer {value} is outside {bounds.get(MIN_VALUE)}…{bounds.get(MAX_VALUE)}")
        missing = [link for link, definition in items.items() if definition.get("required") and link not in seen]
        if missing:
            raise SystemExit(f"{where}: QuestionnaireResponse {resource.get('id')}: required item(s) {missing} missing")


def references(value):
    if isinstance(value, dict):
        for key, member in value.items():
            if key == "reference" and isinstance(member, str):
                yield member
            else:
                yield from references(member)
    elif isinstance(value, list):
        for member in value:
            yield from references(member)


def check(path):
    document = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    try:
        Bundle.model_validate(document)
    except Exception as error:  # pydantic's ValidationError names the element
        raise SystemExit(f"{path}: not a valid R4B Bundle: {error}")
    check_codes("Bundle", document, path)
    full_urls = set()
    counts = collections.Counter()
    for number, entry in enumerate(document.get("entry", []), 1):
        resource = entry["resource"]
        kind = resource["resourceType"]
        try:
            get_fhir_model_class(kind).model_validate(resource)
        except Exception as error:
            raise SystemExit(f"{path}: entry {number} ({kind} {resource.get('id')}): {error}")
        check_codes(kind, resource, f"{path}: entry {number}")
        if entry["fullUrl"] in full_urls:
            raise SystemExit(f"{path}: entry {number}: fullUrl {entry['fullUrl']} appears twice")
        full_urls.add(entry["fullUrl"])
        counts[kind] += 1
    check_responses([entry["resource"] for entry in document.get("entry", [])], path)
    for reference in references(document):
        if reference.startswith("urn:uuid:") and reference not in full_urls:
            raise SystemExit(f"{path}: reference {reference} points at no entry of the Bundle")
    return counts


def main():
    arguments = sys.argv[1:]
    if arguments[:1] == ["--dir"]:
        directory = pathlib.Path(arguments[1])
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        paths = [directory / patient["file"] for patient in index["patients"]]
    else:
        paths = [pathlib.Path(argument) for argument in arguments]
    total = collections.Counter()
    for path in paths:
        total += check(path)
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(total.items()))
    print(f"ok: {len(paths)} R4B Bundle(s) valid with fhir.resources: {kinds}")


if __name__ == "__main__":
    main()
