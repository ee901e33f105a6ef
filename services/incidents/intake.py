"""Intake of injury cards, accidents, public-order events and hazards: the same validation,
de-duplication and result for every channel (HTTP single and batch, AMQP from departments, CSV
import of injuries)."""
from dataclasses import dataclass
from typing import Callable

from marshmallow import ValidationError

from safecommunity.fastschema import Loader

from .checks import grid_errors, printable, text_errors
from .domain import Accident, Hazard, InjuryCase, IntakeRejection, PublicOrderEvent
from .rules import warnings_for
from .schemas import ReportAccidentSchema, ReportHazardSchema, ReportInjurySchema, ReportPublicOrderSchema

CREATED, DUPLICATE, AMENDED, REJECTED = "created", "duplicate", "amended", "rejected"
STATUSES = (CREATED, DUPLICATE, AMENDED, REJECTED)
CARD = Loader(ReportInjurySchema())


@dataclass(frozen=True)
class RecordKind:
    """How one kind of record other than an injury card is taken in."""
    schema: type
    repository: str                # the unit of work's repository
    report: Callable               # (policy, fields) -> the new aggregate
    id_name: str                   # the record's id in a result


RECORD_KINDS = {
    "accident": RecordKind(ReportAccidentSchema, "accidents", lambda _policy, f: Accident.report(**f), "accident_id"),
    "public_order": RecordKind(ReportPublicOrderSchema, "public_order", lambda _policy, f: PublicOrderEvent.report(**f),
                               "public_order_id"),
    "hazard": RecordKind(ReportHazardSchema, "hazards", lambda policy, f: Hazard.report(policy, **f), "hazard_id"),
}
# what departments may send over AMQP (routing key intake.<department>.<kind>)
INTAKE_KINDS = ("injury",) + tuple(RECORD_KINDS)


def take_in(store, cards, channel="http"):
    """Validate, de-duplicate on (source, external_id) and stage; one result per card, in order.

    A card already stored is a duplicate when it says the same, an amendment (a new version of
    that case) when it says something else. Nothing is committed here: the caller commits, so
    good cards and their events land in one transaction and bad ones change nothing.
    """
    results, valid = {}, []
    for index, card in enumerate(cards):
        try:
            valid.append((index, load(CARD, card)))
        except ValidationError as exc:
            results[index] = rejected(index, exc.messages)
    known = store.grids.known({card["grid_code"] for _, card in valid if card["grid_code"]})
    keys = {(card["source"], card["external_id"]) for _, card in valid}
    stored = store.cases.by_keys(keys)
    new, amended = [], {}
    for index, card in valid:
        key = (card["source"], card["external_id"])
        if grid_errors(card, known):
            results[index] = rejected(index, grid_errors(card, known))
            continue
        result = {"index": index}
        case = stored.get(key)
        if case is None:
            case = stored[key] = InjuryCase.report(**card)
            new.append(case)
            result.update(status=CREATED, case_id=case.id)
        elif case.amend(card, actor=card["source"], reason=f"corrected card by {channel}"):
            amended.setdefault(case.id, case)
            result.update(status=AMENDED, case_id=case.id, version=case.version)
        else:
            result.update(status=DUPLICATE, case_id=case.id)
        warnings = warnings_for(card)
        if warnings:
            result["warnings"] = warnings
        results[index] = result
    store.cases.add_many(new)
    fresh = {case.id for case in new}
    for case in amended.values():
        if case.id not in fresh:
            store.cases.save(case)
    return [results[index] for index in range(len(cards))]


def take_in_records(store, kind, items, policy=None):
    """Accidents, public-order events, hazards: validated, placed (the unit named, the grid),
    de-duplicated on (source, external_id) and staged; one result per item, in order.

    A record already stored (or earlier in the same batch) is a duplicate and stays as it is; a
    hazard without an external_id is never one. Nothing is committed here (see take_in).
    """
    spec, schema = RECORD_KINDS[kind], RECORD_KINDS[kind].schema()
    results, valid = {}, []
    for index, item in enumerate(items):
        try:
            valid.append((index, load(schema, item)))
        except ValidationError as exc:
            results[index] = rejected(index, exc.messages)
    units = Units(store.units.find({f["unit_id"] for _, f in valid if f.get("unit_id")},
                                   {f["unit_credit_code"] for _, f in valid if f.get("unit_credit_code")}))
    grids = store.grids.known({f["grid_code"] for _, f in valid if f["grid_code"]})
    repository = getattr(store, spec.repository)
    keys = {(f["source"], f["external_id"]) for _, f in valid if f.get("external_id") is not None}
    stored = repository.ids_by_key(keys)
    fresh = []
    for index, fields in valid:
        errors = place(fields, units, grids)
        if errors:
            results[index] = rejected(index, errors)
            continue
        key = (fields["source"], fields.get("external_id"))
        if key in stored:
            results[index] = {"index": index, "status": DUPLICATE, spec.id_name: stored[key]}
            continue
        record = spec.report(policy, fields)
        fresh.append(record)
        if key[1] is not None:
            stored[key] = record.id
        results[index] = {"index": index, "status": CREATED, spec.id_name: record.id}
    repository.add_many(fresh)
    return [results[index] for index in range(len(items))]


class Units:
    """The known units a batch names, by id and by credit code."""

    def __init__(self, rows):
        self.by_id = {row["unit_id"]: row for row in rows}
        self.by_code = {row["credit_code"]: row for row in rows if row["credit_code"]}


def place(fields, units, grids):
    """Tie a record to the unit it names (by credit code or id) and give it the unit's grid when it
    names none; {field: [reason]} when the unit or the grid is not one incidents heard of."""
    code, unit_id, errors = fields.pop("unit_credit_code", None), fields.get("unit_id"), {}
    unit = units.by_code.get(code) if code else units.by_id.get(unit_id) if unit_id else None
    if code and unit is None:
        errors["unit_credit_code"] = [f"no unit with credit code {code}"]
    elif code and unit_id and unit_id != unit["unit_id"]:
        errors["unit_id"] = [f"is not the unit with credit code {code}"]
    elif unit_id and unit is None:
        errors["unit_id"] = [f"no unit {unit_id}"]
    errors.update(grid_errors(fields, grids))
    if unit and not errors:
        fields.update(unit_id=unit["unit_id"], grid_code=fields["grid_code"] or unit["grid_code"],
                      unit_name=fields["unit_name"] or unit["name"])
    return errors


def take_in_messages(store, messages, policy=None):
    """AMQP: one record per message from a department, its kind from the routing key; a refused
    one is kept for its sender. Results in the order of the readable messages, kind by kind."""
    readable = []
    for message in messages:
        where = {"department": printable(message.department, 60), "kind": printable(message.kind, 30),
                 "routing_key": printable(message.routing_key, 200), "message_id": printable(message.message_id, 200)}
        card = dict(message.card or {})
        card.setdefault("source", message.department)
        if message.problem:
            refuse(store, "amqp", {"_message": [message.problem]}, **where)
        elif message.kind not in INTAKE_KINDS:
            refuse(store, "amqp", {"_message": [f"kind {message.kind!r} is not taken; send {INTAKE_KINDS}"]},
                   card, **where)
        elif card["source"] != message.department:
            refuse(store, "amqp", {"source": [f"must be {message.department}, the department sending"]}, card,
                   **where)
        else:
            readable.append((card, where))
    by_kind, results = {}, []
    for card, where in readable:
        by_kind.setdefault(where["kind"], []).append((card, where))
    for kind, group in by_kind.items():
        cards = [card for card, _ in group]
        found = take_in(store, cards, "amqp") if kind == "injury" else take_in_records(store, kind, cards, policy)
        for (card, where), result in zip(group, found, strict=True):
            if result["status"] == REJECTED:
                refuse(store, "amqp", result["errors"], card, **where)
        results += found
    return results


def load(schema, record):
    """The record as the schema loads it, once its text is valid text (else the reasons)."""
    errors = text_errors(record)
    if errors:
        raise ValidationError(errors)
    return schema.load(record)


def rejected(index, messages):
    return {"index": index, "status": REJECTED,
            "errors": messages if isinstance(messages, dict) else {"_schema": messages}}


def counts(results):
    """Per status; `amended` only when there were some (clients of the first API expect three keys)."""
    found = {status: sum(result["status"] == status for result in results) for status in STATUSES}
    return {status: n for status, n in found.items() if n or status != AMENDED}


def refuse(store, channel, reasons, card=None, **where):
    """Keep a refused message for its sender and tell the platform (intake.rejected)."""
    card = card if isinstance(card, dict) else {}
    rejection = IntakeRejection.refuse(channel=channel, reasons=_flat(reasons),
                                       source=printable(card.get("source"), 60),
                                       external_id=printable(card.get("external_id"), 60), **where)
    store.rejections.add_many([rejection])
    return rejection


def _flat(reasons):
    """{field: [reason]} with only strings, whatever nesting marshmallow gave."""
    flat = {}
    for name, value in reasons.items():
        flat[str(name)] = [str(item) for item in value] if isinstance(value, list) else [str(value)]
    return flat
