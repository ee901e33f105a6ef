"""The small bilingual pages an acknowledgement link opens (acklinks.py). GET asks, with a button
that POSTs to the same address, so a chat app's link preview (a GET) never acknowledges by itself;
POST acknowledges and confirms. A caller that asks for JSON (no text/html in Accept) gets the
platform's usual JSON answers instead."""
from html import escape

from werkzeug.wrappers import Response

from safecommunity import sitetime
from safecommunity.errors import IllegalTransition, InvalidRequest, NotFound
from safecommunity.web import json_response

from .acklinks import LABEL

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>{label}</title>
<style>body{{font-family:sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
button{{font-size:1.2rem;padding:.6rem 1.6rem}}.notice{{border-left:4px solid #c60;padding-left:.8rem}}</style>
</head><body><h1>{heading}</h1>{notice}<p>{text}</p>{form}</body></html>"""
FORM = f'<form method="post"><button type="submit">{LABEL}</button></form>'
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"}

ASK = ("确认收到 / Acknowledge", "请确认您已收到此通知并将处理。 / Please confirm that you have received this notice "
       "and will act on it.")
ACKNOWLEDGED = ("已确认收到 / Acknowledged", "已于 {at} 确认。 / Acknowledged at {at}.")
# error class -> (status, heading, text); the first that matches
PROBLEMS = (
    (IllegalTransition, 409, "无法确认 / Cannot be acknowledged",
     "此通知已确认，或尚未送达。 / This notice was acknowledged already, or has not been sent yet."),
    (NotFound, 404, "通知不存在 / No such notice",
     "此链接所指的通知不存在。 / The notice this link names does not exist."),
    (InvalidRequest, 400, "链接无效 / Invalid link",
     "此链接无效或已损坏。 / This link is not valid, or was changed."),
)
EXPIRED = ("链接已过期 / Link expired", "请在站内收件箱中确认。 / Please acknowledge it in your inbox.")


def wants_html(request):
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def page(status, heading, text, notice=None, form=""):
    subject = f'<p class="notice">{escape(notice.subject or notice.body[:120])}</p>' if notice else ""
    body = PAGE.format(label=LABEL, heading=escape(heading), notice=subject, text=escape(text), form=form)
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers=HEADERS)


def shown(notice):
    """The notice as a GET shows it: asking, or saying when it was acknowledged."""
    if notice.acknowledged_at:
        return page(200, ACKNOWLEDGED[0], ACKNOWLEDGED[1].format(at=local(notice.acknowledged_at)), notice)
    return page(200, *ASK, notice, FORM)


def confirmed(notice):
    return page(200, ACKNOWLEDGED[0], ACKNOWLEDGED[1].format(at=local(notice.acknowledged_at)), notice)


def local(moment):
    return f"{sitetime.local(moment):%Y-%m-%d %H:%M}"


def respond(request, step, as_page, as_json):
    """step() -> the notice; answered as a page or as JSON; a bad link or notice as a page with its
    status (400, 404, 409, 410), never a 500."""
    html = wants_html(request)
    try:
        notice = step()
    except (IllegalTransition, NotFound, InvalidRequest) as exc:
        if not html:
            raise  # the edge's JSON answer, status and reason (web.error_response)
        return problem(exc)
    return as_page(notice) if html else json_response(as_json(notice))


def problem(exc):
    if getattr(exc, "status", None) == 410:
        return page(410, *EXPIRED)
    for cls, status, heading, text in PROBLEMS:
        if isinstance(exc, cls):
            return page(status, heading, text)
    raise exc
