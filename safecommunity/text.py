"""Text that is valid text: what every channel (JSON bodies, CSV and XLSX files, AMQP messages)
checks before a value goes further.

Refused, naming the field: NUL (PostgreSQL cannot store it), lone surrogates (not encodable as
UTF-8, so they fail later in a database or a broker), other C0 control characters but tab, LF and
CR, and bytes that are not text in the file's encoding. Files are read in the encodings Chinese
systems export: UTF-8 with or without a BOM, and GB18030 (a superset of GBK and GB2312), found by
trying UTF-8 strictly first, or as the sender declares.
"""
import codecs
import re

from marshmallow import validate

from .errors import InvalidRequest

# C0 controls but tab, LF and CR; DEL; and UTF-16 surrogates, which Python's str can hold alone
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# what ?encoding= may name; each is a name codecs knows, GBK and GB2312 read as their superset
ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030",
             "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030"}
MAX_LINE_CHARS = 64 * 1024   # a CSV line longer than this is not a record a department exported
MAX_JSON_DEPTH = 32          # objects and arrays inside each other; our deepest body needs 4


def text_problem(value):
    """Why a string is not acceptable text, or None."""
    found = _INVALID.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "contains a NUL character"
    if "\ud800" <= char <= "\udfff":
        return "contains a lone surrogate (not Unicode text)"
    return f"contains the control character U+{ord(char):04X}"


# what such a character looks like escaped in JSON text: \u0000-\u001f, \u007f, \ud800-\udfff
_ESCAPED_INVALID = re.compile(r"\\u(?:00[01][0-9a-fA-F]|007[fF]|[dD][89a-fA-F][0-9a-fA-F]{2})")


def may_hold_invalid_text(json_text):
    """False when no string of the JSON document can hold a character text_problem refuses, as
    neither the character nor its escape is in the text: a look with two regular expressions, so
    the usual body spares the walk over every value (a tab escaped as \u0009 still sends it there)."""
    return bool(_INVALID.search(json_text) or _ESCAPED_INVALID.search(json_text))


class ValidText(validate.Validator):
    """A marshmallow validator refusing what text_problem refuses, with its reason."""

    @staticmethod
    def accepts(value):  # fastschema's test, without marshmallow's error machinery
        return not isinstance(value, str) or text_problem(value) is None

    def __call__(self, value):
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            raise validate.ValidationError(problem)
        return value


def text_problems(value, path=""):
    """{dotted path: [reason]} for every string (keys included) in a JSON value that is not valid
    text; {} when all are. Paths read as marshmallow's field names do: `cards.3.description`."""
    problems, stack = {}, [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            reason = text_problem(item)
            if reason:
                problems[where or "body"] = [reason]
        elif isinstance(item, dict):
            for key, inner in item.items():
                key_reason = text_problem(key)
                inner_path = f"{where}.{key}" if where else key
                if key_reason:
                    problems[where or "body"] = [f"a field name {key_reason}"]
                    continue
                stack.append((inner_path, inner))
        elif isinstance(item, list):
            stack.extend((f"{where}.{index}" if where else str(index), inner) for index, inner in enumerate(item))
    return problems


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, escapes and all
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def json_depth_exceeds(body, most=MAX_JSON_DEPTH):
    """Whether a JSON document nests objects and arrays deeper than `most`, read off its text
    without parsing it (a parser recurses, and a deep enough document exhausts its stack): the
    strings taken out, then the brackets left counted."""
    if body.count("[") + body.count("{") <= most:
        return False
    depth = 0
    for char in _NOT_BRACKETS.sub("", _STRING.sub("", body)):
        depth += 1 if char in "[{" else -1
        if depth > most:
            return True
    return False


def decode_text_file(data, declared=None, what="the file"):
    """The text of an uploaded CSV: in the declared encoding (one of ENCODINGS), else UTF-8 (BOM or
    not) if it decodes strictly, else GB18030. InvalidRequest (400) naming the problem for binary
    data, bytes that are not text in the encoding, an over-long line or invalid characters."""
    if declared is not None:
        codec = ENCODINGS.get(declared.strip().lower())
        if codec is None:
            raise InvalidRequest(f"encoding {declared!r} is not one we read: {', '.join(sorted(set(ENCODINGS)))}")
    if b"\x00" in data[:65536] or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidRequest(f"{what} is binary data (or UTF-16), not a CSV file; save it as CSV in UTF-8 or GB18030")
    text = _decode(data, codec if declared is not None else None, what)
    check_lines(text, what)
    return text


def _decode(data, codec, what):
    if codec is None:  # not declared: UTF-8 if it is UTF-8 (rarely true by chance of GB18030 bytes)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            codec = "gb18030"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidRequest(f"{what} is not text in {'UTF-8 or GB18030' if codec == 'gb18030' else codec}: "
                             f"bytes {data[exc.start:exc.start + 4]!r} on line {line}; declare the encoding "
                             f"with ?encoding=gb18030 or utf-8") from None


_LONG_LINE = re.compile("[^\n]{%d}" % (MAX_LINE_CHARS + 1))


def check_lines(text, what="the file"):
    """An over-long line, or a character that is not text, is the file's problem, named by its line."""
    for pattern, problem in ((_LONG_LINE, lambda _: f"is longer than {MAX_LINE_CHARS} characters"),
                             (_INVALID, lambda found: text_problem(found.group()))):
        found = pattern.search(text)
        if found:
            raise InvalidRequest(f"{what}: line {text.count(chr(10), 0, found.start()) + 1} {problem(found)}")
