"""Response headers for what reports hands to a browser: the dashboard page, report.html and the
files of a periodic report.

The page and report.html are one file each, with their script and style inline; a Content-Security-
Policy naming the SHA-256 of each inline block lets exactly those run, and nothing injected into
the page (a grid or project name, say) could add a script, load from elsewhere or frame the page.
Hashes rather than a nonce: the files do not change while the service runs, so the policy is
worked out once and the page needs no rewriting per request.
"""
import base64
import hashlib
import re

INLINE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1>", re.S)
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# Spreadsheets and CSV are downloaded, never rendered: nothing of theirs may run or load.
ATTACHMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
# A PDF opens in the browser's own viewer, which policies on the PDF's response (sandbox, object-src)
# have been known to stop in Chromium, and headless Chromium shows no PDF to check it with; the PDF
# runs nothing of ours, so it is only kept out of frames.
PDF_POLICY = "frame-ancestors 'none'"


def inline_sources(html):
    """{"script": [...], "style": [...]}: CSP sources allowing each inline block of the page."""
    found = {"script": [], "style": []}
    for tag, body in INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        found[tag].append(f"'sha256-{digest}'")
    return found


def page_policy(html):
    """Requests only to this origin (the API), only the page's own inline script and style, no
    plugins, no <base>, no form posts, never in a frame."""
    sources = inline_sources(html)
    return "; ".join(["default-src 'self'",
                      "script-src " + (" ".join(sources["script"]) or "'none'"),
                      "style-src " + (" ".join(sources["style"]) or "'none'"),
                      "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"])


def page_headers(html):
    return {**COMMON, "Content-Security-Policy": page_policy(html)}


def file_headers(fmt):
    return {**COMMON, "Content-Security-Policy": PDF_POLICY if fmt == "pdf" else ATTACHMENT_POLICY}
