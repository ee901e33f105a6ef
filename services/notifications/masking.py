"""A contact address as answers show it: enough to tell which one it is, not enough to use it
(anyone with notifications:read reads it). The delivery log keeps only this form. Pure Python."""
from urllib.parse import urlsplit


def mask(address):
    """`o***@example.org, l***@example.org`, `138****1234`, `https://hooks.example.org/…`, `abcd***`."""
    return ", ".join(_mask_one(part.strip()) for part in address.split(",") if part.strip())


def _mask_one(address):
    if "://" in address:  # a webhook: the host, never the path (it often holds the secret)
        return f"{urlsplit(address).scheme}://{urlsplit(address).hostname}/…"
    if "@" in address and "." in address.rsplit("@", 1)[1]:  # an e-mail address
        name, domain = address.rsplit("@", 1)
        return f"{name[:1]}***@{domain}"
    if address.lstrip("+").isdigit():  # a phone number: 138****0000
        return address[:3] + "*" * max(len(address) - 7, 1) + address[-4:]
    return address[:4] + "***"  # a bot token or key
