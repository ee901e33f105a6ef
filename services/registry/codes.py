"""National code checks: resident ID numbers (GB 11643), unified social credit codes (GB 32100)
and phone numbers; and how each is masked for a caller without the PII scope. Pure Python."""
import functools
import operator
import re
from datetime import date

ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
ID_CHECKS = "10X98765432"  # check character by (weighted sum mod 11)
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_SHAPE = re.compile(rf"^[{CREDIT_CHARS}]{{18}}$")

PHONE_SHAPE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class CodeInvalid(ValueError):
    """A code that is not well formed; the message says why."""


def id_check_char(first17):
    return ID_CHECKS[sum(map(operator.mul, map(int, first17), ID_WEIGHTS)) % 11]  # first17: 17 digits


@functools.lru_cache(maxsize=64)  # a row's number is parsed by its schema, the importer and the domain
def parse_id_number(raw):
    """(normalised number, birth date, sex) of an 18-character resident ID number, or CodeInvalid."""
    number = str(raw).strip().upper()
    if not ID_SHAPE.match(number):
        raise CodeInvalid("must be 17 digits and a check digit or X (18 characters)")
    if id_check_char(number[:17]) != number[17]:
        raise CodeInvalid("check digit does not match (GB 11643)")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise CodeInvalid("holds no valid birth date") from None
    return number, born, "male" if int(number[16]) % 2 else "female"


def check_credit_code(raw):
    """The normalised unified social credit code, or CodeInvalid."""
    code = str(raw).strip().upper()
    if not CREDIT_SHAPE.match(code):
        raise CodeInvalid(f"must be 18 characters from {CREDIT_CHARS}")
    if credit_check_char(code[:17]) != code[17]:
        raise CodeInvalid("check character does not match (GB 32100)")
    return code


def credit_check_char(first17):
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def check_phone(raw):
    phone = re.sub(r"[\s()+]", "", str(raw))
    if phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    if not PHONE_SHAPE.match(phone):
        raise CodeInvalid("must be an 11-digit mobile number or a landline with its area code")
    return phone


# -- masks: enough to tell records apart on screen, too little to identify anyone ---------------

def mask_id_number(number):
    return None if number is None else number[:2] + "*" * 14 + number[-2:]


def mask_phone(phone):
    return None if phone is None else phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name):
    return None if name is None else name[:1] + "**"  # the length would say too much


def mask_text(text):
    return None if text is None else "***"
