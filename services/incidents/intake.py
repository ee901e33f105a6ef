"""Intake of injury cards: the same validation, de-duplication and result for every channel."""
from marshmallow import ValidationError

from .domain import InjuryCase
from .schemas import ReportInjurySchema

CREATED, DUPLICATE, REJECTED = "created", "duplicate", "rejected"


def take_in(store, cards):
    """Validate, de-duplicate on (source, external_id) and store; one result per card, in order.

    Good cards are stored in one transaction with their events; bad ones change nothing.
    """
    schema = ReportInjurySchema()
    results, valid = {}, []
    for index, card in enumerate(cards):
        try:
            valid.append((index, schema.load(card)))
        except ValidationError as exc:
            results[index] = {"index": index, "status": REJECTED, "errors": _as_dict(exc.messages)}
    known = store.grids.known({card["grid_code"] for _, card in valid if card["grid_code"]})
    stored = store.cases.ids_by_key({(card["source"], card["external_id"]) for _, card in valid})
    new = []
    for index, card in valid:
        key = (card["source"], card["external_id"])
        if card["grid_code"] and card["grid_code"] not in known:
            results[index] = {"index": index, "status": REJECTED,
                              "errors": {"grid_code": [f"no grid {card['grid_code']}"]}}
        elif key in stored:
            results[index] = {"index": index, "status": DUPLICATE, "case_id": stored[key]}
        else:
            case = InjuryCase.report(**card)
            stored[key] = case.id
            new.append(case)
            results[index] = {"index": index, "status": CREATED, "case_id": case.id}
    store.cases.add_many(new)
    store.commit()
    return [results[index] for index in range(len(cards))]


def _as_dict(messages):
    return messages if isinstance(messages, dict) else {"_schema": messages}
