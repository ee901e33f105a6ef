"""Files handed to a browser under their own names, whatever those are (Chinese, a quote, a CR/LF)."""
import re
import unicodedata
from urllib.parse import quote

NOT_IN_A_QUOTED_NAME = re.compile(r'[^\x20-\x7e]|["\\%/]')  # what old clients could misread in filename="..."
RFC5987_SAFE = "!#$&+-.^_`|~"  # attr-char beside letters and digits


def attachment_headers(filename):
    """Headers for a download named filename (RFC 6266): its name as it is, percent-encoded UTF-8,
    in filename* (RFC 5987), and an ASCII stand-in in filename for clients that do not read that."""
    name = _printable(filename) or "download"
    fallback = NOT_IN_A_QUOTED_NAME.sub("_", _without_accents(name))
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; "
                                   f"filename*=UTF-8''{quote(name, safe=RFC5987_SAFE)}",
            "X-Content-Type-Options": "nosniff"}  # a browser then takes the stored type, not its guess


def _printable(name):
    """Control and format characters (CR, LF, a right-to-left override...) as "_": a header cannot
    carry the first, and a file name should carry none."""
    return "".join("_" if unicodedata.category(char).startswith("C") else char for char in name or "")


def _without_accents(name):
    return "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
