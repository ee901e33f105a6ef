"""What every channel checks besides the schema, so one record gets one answer however it came
(HTTP single or batch, a correction, AMQP, CSV): its text is valid text, and the grid it names is
one incidents heard of."""
from safecommunity.text import text_problem, text_problems


def text_errors(item):
    """{field: [reason]} for the strings in a record (keys too) that are not valid text; {} when
    all are. A flat record (the usual) is looked at in one search, field by field only if needed."""
    if isinstance(item, dict) and not any(isinstance(value, (dict, list)) for value in item.values()):
        joined = "".join([*map(str, item), *(value for value in item.values() if isinstance(value, str))])
        if text_problem(joined) is None:
            return {}
    return {("_schema" if path == "body" else path): reasons for path, reasons in text_problems(item).items()}


def grid_errors(fields, known):
    """{grid_code: [reason]} when the record names a grid not in `known`."""
    code = fields.get("grid_code")
    return {"grid_code": [f"no grid {code}"]} if code and code not in known else {}


def printable(value, most):
    """A value as text fit for a column of `most` characters, or None when it is not valid text."""
    if value is None:
        return None
    value = str(value)[:most]
    return None if text_problem(value) else value
