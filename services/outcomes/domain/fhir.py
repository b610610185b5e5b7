"""A client's measures as a FHIR R4 Bundle (type collection), for exchange with other systems.

Per measure, a QuestionnaireResponse (the questionnaire's LOINC form, the answers outcomes has, and
the total score) and an Observation of the total (category survey, the LOINC total code from the
instrument table, `derivedFrom` the response), as the clinical reference §4 describes.

What outcomes can honestly say: it keeps item answers only for measures taken through its own
API; intake and sessions keep the answers of theirs and publish scores only. Their responses
carry the total score item alone. An instrument whose LOINC codes are unverified gets no code:
its Observation is named in words, its items by position.

Records of substance-use and co-occurring programs fall under 42 CFR Part 2: each of their
resources carries the security labels (restricted; substance use disorder information; the
42 CFR Part 2 policy), and so does the Bundle when any of its entries does (the most restrictive
label of its contents). Such a Bundle goes out only as a disclosure a consent allows
(`services/outcomes/domain/disclosure.py`), and carries the redisclosure notice of 42 CFR §2.32 in
an extension of its `meta`, beside the labels.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from services.outcomes.domain.disclosure import REDISCLOSURE_NOTICE
from services.outcomes.domain.measure import Measure
from shared.instruments import INSTRUMENTS, Instrument
from shared.instruments.model import BOOLEAN, ExtraField, Item
from shared.vocabulary import PART2_PROGRAMS

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
LOINC_FORMS = "http://loinc.org/q/"  # canonical of a LOINC panel's Questionnaire
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PART2_LABELS: tuple[Mapping[str, str], ...] = (
    {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"},
    {"system": ACT_CODE, "code": "SUD", "display": "substance use disorder information sensitivity"},
    {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
)
# The platform's own extension: FHIR R4 defines no element for the notice a Part 2 disclosure carries.
REDISCLOSURE_EXTENSION = "https://ipt.example.org/fhir/StructureDefinition/part2-redisclosure-notice"
# Context the scorer needed (the AUDIT-C cut-off), not an answer to the questionnaire: not exported.
NOT_ANSWERS = frozenset({"sex_at_birth"})
_RESOURCE_IDS = uuid.UUID("3b8e1f52-7c4d-4a9e-b0f6-2d5c8e7a1b94")


def client_bundle(
    client_id: str, measures: Iterable[Measure], program_of: Callable[[Measure], str | None], now: datetime
) -> dict[str, Any]:
    """Every scored or answered measure of the client, oldest first, as one collection Bundle."""
    entries: list[dict[str, Any]] = []
    labelled = False
    for measure in sorted(measures, key=lambda m: (m.administered_at, m.measure_id)):
        part2 = program_of(measure) in PART2_PROGRAMS
        labelled = labelled or part2
        response = questionnaire_response(client_id, measure, part2)
        entries.append(_entry(response))
        entries.append(_entry(observation(client_id, measure, response["id"], part2)))
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "timestamp": now.isoformat()}
    if labelled:
        bundle["meta"] = _part2_meta()
    return {**bundle, "entry": entries}


def carries_part2(measures: Iterable[Measure], program_of: Callable[[Measure], str | None]) -> bool:
    """Whether any measure is a substance-use or co-occurring program's: the Bundle is then Part 2 data."""
    return any(program_of(measure) in PART2_PROGRAMS for measure in measures)


def with_redisclosure_notice(bundle: dict[str, Any]) -> dict[str, Any]:
    """The Bundle with the §2.32 notice in its `meta` (labels kept), as every Part 2 disclosure must carry it."""
    meta = dict(bundle.get("meta") or {})
    notice = {"url": REDISCLOSURE_EXTENSION, "valueString": REDISCLOSURE_NOTICE}
    meta["extension"] = [*meta.get("extension", []), notice]
    return {**bundle, "meta": meta}


def questionnaire_response(client_id: str, measure: Measure, part2: bool) -> dict[str, Any]:
    instrument = INSTRUMENTS.get(measure.instrument)
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "id": resource_id(measure, "response")}
    if part2:
        resource["meta"] = _part2_meta()
    if instrument is not None and instrument.loinc_panel:
        resource["questionnaire"] = LOINC_FORMS + instrument.loinc_panel
    items = [
        *_answered_items(measure, instrument),
        *_extra_items(measure, instrument),
        *_total_item(measure, instrument),
    ]
    resource |= {
        "status": "completed",
        "subject": _subject(client_id),
        "authored": measure.administered_at.isoformat(),
    }
    return resource | ({"item": items} if items else {})


def observation(client_id: str, measure: Measure, response_id: str, part2: bool) -> dict[str, Any]:
    instrument = INSTRUMENTS.get(measure.instrument)
    resource: dict[str, Any] = {"resourceType": "Observation", "id": resource_id(measure, "observation")}
    if part2:
        resource["meta"] = _part2_meta()
    resource |= {
        "status": "final",
        "category": [SURVEY],
        "code": _total_code(measure, instrument),
        "subject": _subject(client_id),
        "effectiveDateTime": measure.administered_at.isoformat(),
    }
    if measure.total is not None:
        resource["valueInteger"] = measure.total
    else:  # an instrument without a total (the C-SSRS screener gives a risk level)
        resource["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "not-applicable"}]}
    if measure.severity:
        resource["interpretation"] = [{"text": measure.severity.replace("_", " ")}]
    resource["derivedFrom"] = [{"reference": f"urn:uuid:{response_id}"}]
    return resource


def resource_id(measure: Measure, kind: str) -> str:
    """Stable per measure, so an export made twice names the same resources."""
    return str(uuid.uuid5(_RESOURCE_IDS, f"{measure.measure_id}/{kind}"))


# -- items ------------------------------------------------------------------------------------
def _answered_items(measure: Measure, instrument: Instrument | None) -> list[dict[str, Any]]:
    if instrument is None or not measure.answers:
        return []
    found = []
    for item, answer in zip(instrument.items, measure.answers, strict=False):
        if answer is None:  # skipped by the instrument's skip logic
            continue
        link = item.loinc or f"{instrument.code}-{item.number}"
        found.append({"linkId": link, "text": item.text, "answer": [_answer(item, answer)]})
    return found


def _answer(item: Item, answer: object) -> dict[str, Any]:
    if item.kind == BOOLEAN:
        return {"valueBoolean": bool(answer)}
    option = next((o for o in item.options if o.value == answer), None)
    if option is not None and option.loinc_answer:
        return {"valueCoding": {"system": LOINC, "code": option.loinc_answer, "display": option.label}}
    return _plain(answer)


def _extra_items(measure: Measure, instrument: Instrument | None) -> list[dict[str, Any]]:
    if instrument is None or not measure.extras:
        return []
    fields: dict[str, ExtraField] = {extra.name: extra for extra in instrument.extra_fields}
    found = []
    for name, value in measure.extras.items():
        extra = fields.get(name)
        if extra is None or value is None or name in NOT_ANSWERS:
            continue
        link = extra.loinc or f"{instrument.code}-{name}"
        found.append({"linkId": link, "text": extra.label, "answer": [_plain(value)]})
    return found


def _plain(value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    return {"valueString": str(value)}


def _total_item(measure: Measure, instrument: Instrument | None) -> list[dict[str, Any]]:
    if measure.total is None:
        return []
    link = instrument.loinc_total if instrument and instrument.loinc_total else f"{measure.instrument}-total"
    words = f"{_name(measure, instrument)} total score"
    return [{"linkId": link, "text": words, "answer": [{"valueInteger": measure.total}]}]


def _total_code(measure: Measure, instrument: Instrument | None) -> dict[str, Any]:
    words = f"{_name(measure, instrument)} total score"
    if instrument is None or not instrument.loinc_total:
        return {"text": words}
    return {"coding": [{"system": LOINC, "code": instrument.loinc_total}], "text": words}


def _name(measure: Measure, instrument: Instrument | None) -> str:
    return instrument.name if instrument else measure.instrument


def _subject(client_id: str) -> dict[str, str]:
    # The Patient resource is not part of the export: names and birth dates stay in intake.
    return {"reference": f"Patient/{client_id}"}


def _part2_meta() -> dict[str, Any]:
    return {"security": [dict(label) for label in PART2_LABELS]}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
