"""The HTTP edge's pieces without a server: body caps by route, paced bodies, download names."""
import errno
import io
import json

import eventlet
import pytest
from werkzeug.http import parse_options_header
from werkzeug.routing import Map, Rule
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from safecommunity.bodies import CLOSE_KEY, IMPORT, JSON, READ_CHUNK, UPLOAD, BodyGuard, BodyTooSlow, PacedInput
from safecommunity.downloads import attachment_headers
from safecommunity.runner import platform_config
from safecommunity.server import PlatformWebServer
from safecommunity.web import error_response

LIMITS = {"MAX_JSON_BYTES": 1000, "MAX_UPLOAD_BYTES": 5000, "MAX_IMPORT_BYTES": 100_000}


class Unreadable(io.RawIOBase):
    def read(self, *_args):
        raise AssertionError("the body was read")


class Counted(io.BytesIO):
    """A body that remembers how much of it was read."""

    def read(self, size=-1):
        part = super().read(size)
        self.taken = getattr(self, "taken", 0) + len(part)
        return part


class Route:
    """A route as the cap sees an Http entrypoint: the kind of body it declared."""

    def __init__(self, body_limit):
        self.body_limit = body_limit


class Echo:
    """The app behind the cap: its routes, and an answer with the length of the body Werkzeug reads."""

    routes = Map([Rule("/api/registry/imports/<kind>", endpoint=Route(IMPORT)),
                  Rule("/api/incidents/hazards/<hazard_id>/attachments", endpoint=Route(UPLOAD)),
                  Rule("/api/incidents/hazards/<hazard_id>/<action>", endpoint=Route(JSON))])

    def url_map(self):
        return self.routes

    def __call__(self, environ, start_response):
        return Response(str(len(Request(environ).get_data())))(environ, start_response)


echo = Echo()


def call(path, body=b"", length=None, chunked=False, stream=None):
    environ = EnvironBuilder(path=path, method="POST", data=body, content_type="application/json").get_environ()
    closed = []
    environ[CLOSE_KEY] = lambda: closed.append(True)
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    if chunked:
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    if stream is not None:
        environ["wsgi.input"] = stream
    status = []
    answer = b"".join(BodyGuard(echo, LIMITS, error_response)(environ, lambda line, _headers: status.append(line)))
    return int(status[0].split()[0]), answer, bool(closed)


def test_a_body_over_its_routes_cap_is_answered_413_from_its_length_without_being_read():
    status, answer, closed = call("/api/incidents/injuries/batch", length=1001, stream=Unreadable())
    assert status == 413 and closed
    assert json.loads(answer) == {"error": "too_large", "message": "a request body here may have at most 1000 bytes"}


def test_a_body_within_its_cap_reaches_the_route_whole_and_keeps_the_connection():
    assert call("/api/incidents/injuries/batch", b"x" * 1000) == (200, b"1000", False)


@pytest.mark.parametrize("path, most", [
    ("/api/registry/imports/residents", 100_000),
    ("/api/incidents/hazards/h-1/attachments", 5000),
    ("/api/incidents/hazards/h-1/notify", 1000),
    ("/api/access/tokens", 1000),
])
def test_each_kind_of_route_has_its_own_cap(path, most):
    assert call(path, length=most, stream=io.BytesIO(b"x" * most))[0] == 200
    assert call(path, length=most + 1, stream=Unreadable())[0] == 413


def test_a_chunked_body_over_its_cap_is_refused_after_reading_no_more_than_the_cap_and_a_piece():
    stream = Counted(b"x" * 50_000_000)
    status, _, closed = call("/api/incidents/injuries/batch", chunked=True, stream=stream)
    assert status == 413 and closed and stream.taken <= 1000 + READ_CHUNK


def test_a_chunked_body_within_its_cap_is_handed_on_with_its_length():
    # Werkzeug reads a body of no stated length as empty; the cap gives it the length it found.
    assert call("/api/incidents/injuries/batch", chunked=True, stream=io.BytesIO(b"x" * 999)) == (200, b"999", False)


class Trickle:
    """A body that comes a byte at a time, at the pace given."""

    def __init__(self, seconds_a_byte):
        self.seconds_a_byte = seconds_a_byte

    def read(self, size=-1):
        eventlet.sleep(self.seconds_a_byte * size)
        return b"x" * size


def test_a_body_slower_than_the_minimum_rate_is_cut_and_its_connection_closed():
    closed = []
    body = PacedInput(Trickle(0.01), grace=0.05, rate=1000, length=100, on_late=lambda: closed.append(True))
    with pytest.raises(BodyTooSlow) as late:
        body.read(100)  # due in 0.05 + 100 / 1000 s, comes in 1 s
    assert late.value.status == 408 and closed


def test_a_body_that_keeps_the_minimum_rate_is_read_to_its_end():
    body = PacedInput(Trickle(0.0001), grace=0.05, rate=1000, length=300, on_late=None)
    assert [len(body.read(100)) for _ in range(3)] == [100, 100, 100]


@pytest.mark.parametrize("name, fallback", [
    ("隐患照片.png", "____.png"),
    ('say "cheese" \\ 50%.png', "say _cheese_ _ 50_.png"),
    ("two\r\nlines.png", "two__lines.png"),
    ("café.pdf", "cafe.pdf"),
    ("", "download"),
])
def test_a_download_keeps_its_name_in_filename_star_and_an_ascii_stand_in_in_filename(name, fallback):
    value = attachment_headers(name)["Content-Disposition"]
    assert value.isascii() and "\r" not in value and "\n" not in value
    assert value.startswith(f'attachment; filename="{fallback}"; filename*=UTF-8\'\'')
    disposition, options = parse_options_header(value)  # as a client reads it: filename* wins
    assert disposition == "attachment" and options["filename"] == (name.replace("\r\n", "__") or "download")


def test_a_download_is_not_sniffed_into_another_type():
    assert attachment_headers("a.png")["X-Content-Type-Options"] == "nosniff"


def test_the_accept_loop_waits_out_a_lack_of_descriptors_and_passes_a_client_gone_early(monkeypatch):
    naps = []
    monkeypatch.setattr("safecommunity.server.eventlet.sleep", naps.append)
    PlatformWebServer.wait_after(OSError(errno.EMFILE, "too many open files"))
    PlatformWebServer.wait_after(OSError(errno.ECONNABORTED, "gone"))
    assert naps == [0.1]
    with pytest.raises(OSError):
        PlatformWebServer.wait_after(OSError(errno.EBADF, "closed"))


def test_embedded_mode_listens_on_this_machine_only_unless_told_otherwise():
    assert platform_config(environ={})["WEB_SERVER_ADDRESS"] == "127.0.0.1:8000"
    assert platform_config(environ={"WEB_SERVER_ADDRESS": "0.0.0.0:9000"})["WEB_SERVER_ADDRESS"] == "0.0.0.0:9000"
    distributed = {"AMQP_URI": "amqp://rabbit", "DATABASE_URL": "postgresql+psycopg2://db/{service}"}
    assert platform_config(environ=distributed)["WEB_SERVER_ADDRESS"] == "0.0.0.0:8000"
