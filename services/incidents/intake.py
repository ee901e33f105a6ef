"""Intake of injury cards: the same validation, de-duplication and result for every channel
(HTTP single and batch, AMQP from departments, CSV import)."""
from marshmallow import ValidationError

from safecommunity.fastschema import Loader

from .domain import InjuryCase, IntakeRejection
from .rules import warnings_for
from .schemas import ReportInjurySchema

CREATED, DUPLICATE, AMENDED, REJECTED = "created", "duplicate", "amended", "rejected"
STATUSES = (CREATED, DUPLICATE, AMENDED, REJECTED)
INTAKE_KINDS = ("injury",)  # what departments may send over AMQP (routing key intake.<department>.<kind>)
CARD = Loader(ReportInjurySchema())


def take_in(store, cards, channel="http"):
    """Validate, de-duplicate on (source, external_id) and stage; one result per card, in order.

    A card already stored is a duplicate when it says the same, an amendment (a new version of
    that case) when it says something else. Nothing is committed here: the caller commits, so
    good cards and their events land in one transaction and bad ones change nothing.
    """
    results, valid = {}, []
    for index, card in enumerate(cards):
        try:
            valid.append((index, CARD.load(card)))
        except ValidationError as exc:
            results[index] = rejected(index, exc.messages)
    known = store.grids.known({card["grid_code"] for _, card in valid if card["grid_code"]})
    keys = {(card["source"], card["external_id"]) for _, card in valid}
    stored = store.cases.by_keys(keys)
    new, amended = [], {}
    for index, card in valid:
        key = (card["source"], card["external_id"])
        if card["grid_code"] and card["grid_code"] not in known:
            results[index] = rejected(index, {"grid_code": [f"no grid {card['grid_code']}"]})
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


def take_in_messages(store, messages):
    """AMQP: one card per message from a department; a refused one is kept for its sender."""
    readable = []
    for message in messages:
        where = {"department": message.department, "kind": message.kind, "routing_key": message.routing_key[:200],
                 "message_id": _short(message.message_id, 200)}
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
    results = take_in(store, [card for card, _ in readable], channel="amqp")
    for (card, where), result in zip(readable, results, strict=True):
        if result["status"] == REJECTED:
            refuse(store, "amqp", result["errors"], card, **where)
    return results


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
                                       source=_short(card.get("source")), external_id=_short(card.get("external_id")),
                                       **where)
    store.rejections.add_many([rejection])
    return rejection


def _short(value, most=60):
    return str(value)[:most] if value is not None else None


def _flat(reasons):
    """{field: [reason]} with only strings, whatever nesting marshmallow gave."""
    flat = {}
    for name, value in reasons.items():
        flat[str(name)] = [str(item) for item in value] if isinstance(value, list) else [str(value)]
    return flat
