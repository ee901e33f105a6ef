"""Bad input to every incidents route of an embedded platform (real HTTP, SQLite) is a 4xx with a
reason, never a 500, and stores nothing; files keep any name (Chinese, a quote, CR/LF) and come
back under it (RFC 6266)."""
import json
from urllib.parse import quote, unquote

import pytest

from safecommunity.text import text_problem
from tests.conftest import base_url
from tests.support import accident_report, get, grid_created, hazard_report, http, injury_card, post, publish

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DISPUTE = {"source": "police", "external_id": "D-1", "kind": "dispute", "occurred_at": "2026-11-20T08:10:00+08:00"}

BODIES = [b"", b"null", b"[]", b"42", b'"card"', b"{", b"\xff\xfe{}", b"[" * 40 + b"]" * 40,
          json.dumps({"a": 1}).encode()]
CARDS = [{**injury_card(), "age": 10 ** 400}, {**injury_card(), "age": "70"}, {**injury_card(), "age": True},
         {**injury_card(), "injury_time": "0001-01-01T00:00:00+01:00"},
         {**injury_card(), "visit_time": "9999-12-31T23:59:59-23:59"},
         {**injury_card(), "visit_time": "2026-11-20T08:10:00+25:00"},
         {**injury_card(), "grid_code": "G" * 1_000_000}, {**injury_card(), "description": {"a": 1}},
         {**injury_card(), "source": None}, {**injury_card(), "external_id": ""}]
RECORDS = {"accidents": [{**accident_report(), "economic_loss": 10 ** 400}, {**accident_report(), "deaths": 10 ** 9},
                         {**accident_report(), "economic_loss": 1e300}, {**accident_report(), "kind": None},
                         {**accident_report(), "occurred_at": "1800-01-01T00:00:00"},
                         {**accident_report(), "unit_id": "\x00"}, {**accident_report(), "address": "路" * 301}],
           "public-order": [{**DISPUTE, "kind": ["dispute"]}, {**DISPUTE, "occurred_at": 1732000000},
                            {**DISPUTE, "description": "x" * 4001}],
           "hazards": [{**hazard_report(), "latitude": 10 ** 400}, {**hazard_report(), "latitude": "north"},
                       {**hazard_report(), "description": None}, {**hazard_report(), "external_id": "E" * 61},
                       {**hazard_report(), "found_by": "\ud800"}]}
STEPS = [{"actor": "x", "evidence": [None]}, {"actor": "x", "evidence": "photo"},
         {"actor": "x", "evidence": ["y" * 37]}, {"actor": "x", "evidence": ["p"] * 51}, {"actor": ["li"]},
         {"actor": "x", "passed": "yes"}, {"actor": "x" * 121}, {"actor": None}]
QUERIES = [{"since": "0001-01-01T00:00:00+01:00"}, {"until": "9999-12-31T23:59:59-23:59"}, {"since": "yesterday"},
           {"grid_code": "\x00"}, {"grid_code": "g" * 3000}, {"limit": "1e9"}, {"offset": "-1"},
           {"offset": "9" * 30}, {"limit": "\x00"}, {"unit_id": "\x07"}, {"source": ""}, {"colour": "red"}]
WEIRD_IDS = ["%00", "x" * 5000, "%ff%fe", "..%2F..", "%0d%0a", "1%20OR%201=1", "\u4e2d"]


@pytest.fixture
def platform(embedded_config, start_services):
    start_services(embedded_config, ["incidents"])
    publish(embedded_config["AMQP_URI"], [grid_created("G1")])
    url = base_url(embedded_config) + "/api/incidents"
    hazard = post(f"{url}/hazards", hazard_report(), expect=201)["hazard"]
    case = post(f"{url}/injuries", injury_card(), expect=201)["case"]
    dispute = post(f"{url}/public-order", DISPUTE, expect=201)["event"]
    return url, hazard["id"], case["id"], dispute["id"]


def send(method, url, body=None, **params):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.request(method, url, data=raw if body is not None else None, params=params or None, timeout=30,
                        headers={"Content-Type": "application/json"})


def refused(response):
    """A 4xx that says why: field reasons or a message."""
    answer = response.json()
    return 400 <= response.status_code < 500 and (answer.get("fields") or answer.get("message"))


def test_bad_bodies_queries_and_ids_are_refused_with_a_reason_never_a_500(platform):
    url, hazard_id, case_id, dispute_id = platform
    writes = [("POST", "injuries"), ("POST", "injuries/batch"), ("PUT", f"injuries/{case_id}"),
              ("POST", f"hazards/{hazard_id}/notify"), ("POST", f"hazards/{hazard_id}/verify"),
              ("POST", f"hazards/{hazard_id}/escalate"), ("POST", f"public-order/{dispute_id}/steps")] + \
        [("POST", kind) for kind in RECORDS] + [("POST", f"{kind}/batch") for kind in RECORDS]
    tried = [(method, path, body) for method, path in writes for body in BODIES]
    tried += [("POST", "injuries", card) for card in CARDS] + [("PUT", f"injuries/{case_id}", card) for card in CARDS]
    tried += [("POST", kind, record) for kind, records in RECORDS.items() for record in records]
    tried += [("POST", f"hazards/{hazard_id}/{action}", step) for step in STEPS for action in ("notify", "verify")]
    for method, path, body in tried:
        response = send(method, f"{url}/{path}", body)
        assert refused(response), (method, path, str(body)[:80], response.status_code, response.text[:300])

    for query in QUERIES:
        for listing in ("injuries", "accidents", "public-order", "hazards", "units", "intake/rejections"):
            response = http.get(f"{url}/{listing}", params=query, timeout=10)
            assert refused(response), (listing, query, response.status_code, response.text[:300])
    for weird in WEIRD_IDS:
        # an id that is not text (a NUL) is the edge's 400, naming it; any other unknown id is a 404
        expected = (400,) if text_problem(unquote(weird)) else (404, 405)
        for path in ("injuries/{}", "injuries/{}/history", "accidents/{}", "public-order/{}", "hazards/{}",
                     "attachments/{}"):
            response = http.get(f"{url}/{path.format(weird)}", timeout=10)  # ../.. leaves the route: 405
            answer = response.json()
            assert response.status_code in expected and (answer.get("message") or answer.get("fields")), \
                (path, weird, response.text)
        for path, body in (("hazards/{}/notify", {"actor": "x"}),
                           ("public-order/{}/steps", {"actor": "x", "step": "investigated"})):
            response = send("POST", f"{url}/{path.format(weird)}", body)
            assert response.status_code in expected, (path, weird, response.text[:300])
        assert send("PUT", f"{url}/injuries/{weird}", {**injury_card(), "reason": "r", "amended_by": "x"}
                    ).status_code in (400, 404)

    assert len(get(f"{url}/injuries")["cases"]) == 1 and len(get(f"{url}/hazards")["hazards"]) == 1
    assert get(f"{url}/accidents")["accidents"] == [] and len(get(f"{url}/public-order")["events"]) == 1
    assert get(f"{url}/hazards/{hazard_id}")["status"] == "reported"
    assert get(f"{url}/injuries/{case_id}")["version"] == 1


def test_an_accident_with_an_offset_is_answered_as_that_instant(platform):
    url = platform[0]
    accident = post(f"{url}/accidents", accident_report(occurred_at="2026-11-20T08:10:00+08:00"), expect=201)
    assert accident["accident"]["occurred_at"] == "2026-11-20T00:10:00+00:00"
    dispute = get(f"{url}/public-order/{platform[3]}")
    assert dispute["occurred_at"] == "2026-11-20T00:10:00+00:00"
    assert [a["id"] for a in get(f"{url}/accidents", since="2026-11-20T08:09:00+08:00")["accidents"]] \
        == [accident["accident"]["id"]]
    assert get(f"{url}/accidents", since="2026-11-20T08:11:00+08:00")["accidents"] == []


NAMES = {"中文 整改后.png": '"__ ___.png"', 'say "cheese".png': '"say _cheese_.png"',
         "line\r\nbreak.png": '"line__break.png"'}


@pytest.mark.parametrize("how", ["query", "multipart"])
def test_an_attachment_with_a_chinese_a_quoted_or_a_broken_name_downloads_under_it(platform, how):
    url, hazard_id = platform[:2]
    for name, fallback in NAMES.items():
        if how == "query":
            response = http.post(f"{url}/hazards/{hazard_id}/attachments", data=PNG, timeout=10,
                                 params={"uploaded_by": "mall", "filename": name},
                                 headers={"Content-Type": "image/png"})
        else:
            response = http.post(f"{url}/hazards/{hazard_id}/attachments", params={"uploaded_by": "mall"},
                                 files={"file": (name, PNG, "image/png")}, timeout=10)
        assert response.status_code == 201, response.text
        stored = response.json()
        download = http.get(f"{url}/attachments/{stored['id']}", timeout=10)
        assert download.status_code == 200 and download.content == PNG
        shown = name.replace("\r", "_").replace("\n", "_")
        assert download.headers["Content-Disposition"] == \
            f"attachment; filename={fallback}; filename*=UTF-8''{quote(shown, safe='!#$&+-.^_`|~')}", name
        assert download.headers["Content-Type"] == "image/png"
    listed = [a["filename"] for a in get(f"{url}/hazards/{hazard_id}")["attachments"]]
    assert len(listed) == len(NAMES) and "中文 整改后.png" in listed
    nul = http.post(f"{url}/hazards/{hazard_id}/attachments", data=PNG, timeout=10,
                    params={"uploaded_by": "mall", "filename": "a\x00.png"}, headers={"Content-Type": "image/png"})
    assert nul.status_code == 400 and nul.json()["fields"] == {"filename": ["contains a NUL character"]}
