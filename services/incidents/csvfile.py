"""A hospital's CSV export read as cards: the file's text checked whole first (encoding, binary
data, over-long lines, characters that are not text, columns that are no card fields: refused with
the reason, nothing imported), then each row a card, blanks left out, card numbers made codes,
times without an offset given --timezone's (default: the site's)."""
import csv
import io
import re
from datetime import datetime

from safecommunity import sitetime
from safecommunity.errors import InvalidRequest
from safecommunity.text import decode_text_file

from .codes import CODE_TABLES, from_card_number

TIMES = ("injury_time", "visit_time", "report_time")
WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")
EXTRA = "more_columns_than_the_header"  # a row's values past the header's columns: refused, named so


def zone_of(name):
    """--timezone as a tzinfo: an offset (+08:00) or a zone name (Asia/Shanghai); the site's if none."""
    if not name:
        return sitetime.zone()
    try:
        return datetime.fromisoformat(f"2000-01-01T00:00:00{name}").tzinfo
    except ValueError:
        pass
    try:
        return sitetime.zone_named(name)
    except SystemExit:
        raise InvalidRequest(f"--timezone {name!r} is neither an offset (+08:00) nor a zone name") from None


def read_export(path, encoding=None):
    """The file's text, checked whole before any row goes in (text.decode_text_file) and its header
    naming only card fields."""
    from .intake import CARD

    with open(path, "rb") as file:
        text = decode_text_file(file.read(), encoding)
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    unknown = [name for name in (column.strip() for column in header)
               if name and name not in CARD.schema.load_fields]
    if unknown:
        raise InvalidRequest(f"the header names columns that are no card fields: {', '.join(unknown)[:500]}")
    return text


def card_from_row(row, source, zone):
    """A CSV row as a card: blanks left out, card numbers made codes, times given an offset."""
    row = {**row, EXTRA: ",".join(row[EXTRA])} if row.get(EXTRA) else row
    card = {key.strip(): value.strip() for key, value in row.items()
            if key and key.strip() and isinstance(value, str) and value.strip()}
    card.setdefault("source", source)
    for name in set(card) & set(CODE_TABLES):
        card[name] = from_card_number(name, card[name])
    if WHOLE_NUMBER.fullmatch(card.get("age", "")):
        card["age"] = int(card["age"])  # else left for the schema to refuse, as a string
    for name in set(card) & set(TIMES):
        try:
            moment = datetime.fromisoformat(card[name])
        except ValueError:
            continue  # the schema names the field and the problem
        card[name] = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return card
