"""SMS through an HTTP gateway, sent with urllib3 over kept-alive connections rather than through
Apprise's json:// / form://. Apprise opens a new connection for every message (and a request
session, a thread-pool dispatch and sanitised log lines around it): that was about half of a
process's CPU at 500 hazards a second (bench/README.md), and SMS is the channel that goes out by
the thousand. The setting keeps Apprise's URL language, the part of it a gateway needs:

    json://[user:password@]host[:port]/path?:message=content&+X-Api-Key=k&-account=a

(`jsons://` for HTTPS; `form://`, `forms://` post a form). `:name=value` renames a field of the
call (`message`, the text; SMS_TO_FIELD, the number) or adds a constant field of its own; `:name=`
drops one; `+Header=value` adds a header; `-name=value` a query parameter; `method=` POST or PUT;
`verify=no` skips the TLS check. Apprise's own fields (version, title, type, attachments) are never
sent, as before. Anything else in the URL stops the service at start, naming it.

Answers as the webhook's: a 2xx is sent; a 5xx, 408, 429, a timeout or a refused connection is
worth another try; any other 4xx (a number the gateway refuses) will stay wrong.
"""
import json
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import urllib3

from . import Answer

SCHEMES = {"json": ("http", "json"), "jsons": ("https", "json"), "form": ("http", "form"),
           "forms": ("https", "form")}
APPRISE_FIELDS = ("version", "title", "type", "attachments")  # Apprise's, never sent to the gateway
METHODS = ("POST", "PUT")
RETRYABLE = (408, 429)  # besides every 5xx
CONTENT_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class Gateway:
    """The call a message becomes, read from SMS_GATEWAY_URL once."""
    url: str
    encoding: str                                   # json or form
    to_field: str
    renamed: dict = field(default_factory=dict)     # message / to field -> the gateway's name ("" drops it)
    constants: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    method: str = "POST"
    auth: tuple = None
    verify: bool = True

    def payload(self, address, text):
        fields = {}
        for name, value in (("message", text), (self.to_field, address)):
            name = self.renamed.get(name, name)
            if name:
                fields[name] = value
        return {**self.constants, **fields}


def gateway_of(url, to_field):
    """The Gateway an SMS_GATEWAY_URL names; ValueError naming what it cannot read."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"SMS_GATEWAY_URL must be json://, jsons://, form:// or forms://host/path, not {url!r}")
    protocol, encoding = SCHEMES[parts.scheme]
    options = {"renamed": {}, "constants": {}, "headers": {}, "params": {}}
    method, verify = "POST", True
    for pair in filter(None, parts.query.split("&")):  # by hand: "+" is a prefix here, not a space
        name, _, value = (unquote(part) for part in pair.partition("="))
        if name[:1] == ":":
            key = name[1:]
            if key in ("message", to_field):
                options["renamed"][key] = value
            elif key not in APPRISE_FIELDS and value:
                options["constants"][key] = value
        elif name[:1] in "+-" and name[1:]:
            options["headers" if name[0] == "+" else "params"][name[1:]] = value
        elif name == "method" and value.upper() in METHODS:
            method = value.upper()
        elif name == "verify" and value in ("yes", "no"):
            verify = value == "yes"
        else:
            raise ValueError(f"SMS_GATEWAY_URL: {name}={value} is not an option the SMS gateway channel reads")
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    return Gateway(url=f"{protocol}://{netloc}{parts.path or '/'}", encoding=encoding, to_field=to_field,
                   method=method, auth=auth, verify=verify, **options)


class SmsGatewayChannel:
    """One pool of connections kept open to the gateway, as many as there are sends in flight
    (NOTIFY_SEND_CONCURRENCY). urllib3 (what requests is built on) rather than requests: a requests
    call costs about 0.8 ms of CPU here, urllib3's 0.45 (measured at 2,000 calls). The environment's
    proxy for the gateway (HTTPS_PROXY, NO_PROXY…) is read once, here."""

    def __init__(self, gateway, timeout, connections=10):
        self.gateway = gateway
        options = {"maxsize": connections, "retries": False,
                   "timeout": urllib3.Timeout(connect=timeout, read=timeout),
                   "cert_reqs": "CERT_REQUIRED" if gateway.verify else "CERT_NONE"}
        parts = urlsplit(gateway.url)
        proxy = None if proxy_bypass(parts.netloc) else getproxies().get(parts.scheme)
        self.pool = urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)
        self.url = gateway.url + (f"?{urlencode(gateway.params)}" if gateway.params else "")
        self.headers = {"User-Agent": "SafeCommunity", "Content-Type": CONTENT_TYPES[gateway.encoding],
                        **(urllib3.make_headers(basic_auth=":".join(gateway.auth)) if gateway.auth else {}),
                        **gateway.headers}

    def send(self, message):
        payload = self.gateway.payload(message.address, message.body)
        body = json.dumps(payload) if self.gateway.encoding == "json" else urlencode(payload)
        try:
            response = self.pool.request(self.gateway.method, self.url, body=body.encode(), headers=self.headers,
                                         redirect=False)
        except urllib3.exceptions.HTTPError as exc:  # never the query in its text: it may hold a key
            text = f"{type(exc).__name__}: {exc}"
            if self.gateway.params:
                text = text.replace(urlencode(self.gateway.params), "…")
            return Answer(False, text[:1000], retryable=True)
        text = f"HTTP {response.status} {response.data.decode('utf-8', 'replace')[:200]}".strip()
        if 200 <= response.status < 300:
            return Answer(True, text)
        return Answer(False, text, retryable=response.status >= 500 or response.status in RETRYABLE)
