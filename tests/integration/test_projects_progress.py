"""A project's monthly progress and its phase evaluations over HTTP, embedded (SQLite, in-process
broker) and on PostgreSQL and RabbitMQ: occurrences planned, done and missed per month (those
cancelled by a suspension not planned), funding to date, the evaluation a lead writes for a month,
written again with the version it replaces in the project's history, and bad spans refused."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from safecommunity import sitetime
from safecommunity.config import database_url
from safecommunity.database import make_engine
from safecommunity.testing import admin_token
from tests.badinput import Client
from tests.conftest import base_url
from tests.integration.test_projects import call

P = "/api/projects"


@pytest.fixture(params=["sqlite", "postgresql"])
def projects(request, start_services):
    """The projects service, its timer every 0.2 s; `api` the office's clerk, `lead` a working group's
    lead, `reader` with read only."""
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    start_services({**config, "ACTIVITY_CHECK_INTERVAL": 0.2}, ["projects"])
    engine = make_engine(database_url(config, "projects"))
    url = base_url(config)
    yield {"api": Client(url, admin_token(config, subject="office-clerk")), "engine": engine,
           "lead": Client(url, admin_token(config, subject="lead-li")),
           "reader": Client(url, admin_token(config, subject="reader", scopes=["projects:read"]))}
    engine.dispose()


def month(day):
    return day.strftime("%Y-%m")


def new_project(api):
    return call(api, "POST", "/projects", {"name": "Elderly falls 老年人跌倒预防", "intervention_area": "elderly",
                                           "status": "continuing", "budget": 5000}, expect=201)


def dated(day, **overrides):
    """A dated visit held on `day` (reported done in the same request when it is past)."""
    return {"name": f"visit on {day}", "kind": "visit", "owner_department": "civil_affairs", "place": "homes",
            "on": day.isoformat(), **overrides}


def test_progress_counts_each_months_occurrences_planned_done_and_missed_and_the_funding_to_date(projects):
    api, today = projects["api"], sitetime.today()
    project = new_project(api)
    path = f"/projects/{project['id']}"
    start = today - timedelta(days=40)
    call(api, "POST", f"{path}/activities", {"name": "daily call", "owner_department": "civil_affairs",
                                             "grid_code": "G1", "frequency": "daily",
                                             "starts_on": start.isoformat()}, expect=201)
    done_days = [today - timedelta(days=n) for n in (35, 20, 1)]
    for day in done_days:
        call(api, "POST", f"{path}/activities", dated(day, done={"done_on": day.isoformat(), "reached": 3}),
             expect=201)
    call(api, "POST", f"{path}/activities", dated(today + timedelta(days=5)), expect=201)
    call(api, "POST", f"{path}/funding", {"source": "district", "amount": 1000, "spent": 100,
                                          "recorded_on": start.isoformat()}, expect=201)
    call(api, "POST", f"{path}/funding", {"source": "street", "amount": 500, "spent": 400}, expect=201)

    first, last = month(start - timedelta(days=31)), month(today + timedelta(days=31))
    shown = call(projects["reader"], "GET", f"{path}/progress", **{"from": first, "to": last})
    daily = [start + timedelta(days=n) for n in range((today + timedelta(days=31) - start).days + 1)]
    planned = Counter(map(month, daily + done_days + [today + timedelta(days=5)]))
    missed, done = Counter(month(d) for d in daily if d < today), Counter(map(month, done_days))
    months = {row["month"]: row for row in shown["months"]}
    assert [row["month"] for row in shown["months"]] == sorted(months) and min(months) == first
    assert max(months) == last and months[first]["occurrences"]["planned"] == 0
    for name, row in months.items():
        settled = done[name] + missed[name]
        assert row["occurrences"] == {"planned": planned[name], "done": done[name], "missed": missed[name],
                                      "done_on_time_share": round(done[name] / settled, 4) if settled else None}
    assert months[first]["budget"] == {"budget": 5000, "funded_to_date": 0, "spent_to_date": 0, "share_spent": None}
    assert months[month(start)]["budget"]["funded_to_date"] == 1000
    assert months[last]["budget"] == {"budget": 5000, "funded_to_date": 1500, "spent_to_date": 500,
                                      "share_spent": 0.3333}
    assert all(row["evaluation"] is None for row in shown["months"])
    whole = call(api, "GET", path)
    assert {key: shown[key] for key in ("id", "name", "lifecycle", "status")} == {
        key: whole[key] for key in ("id", "name", "lifecycle", "status")}
    assert shown["carried_out"] == whole["carried_out"] and shown["carried_out"]["due"] > 0
    assert shown["evidence"] == {"required": 0, "present": 0, "missing": []}

    default = call(api, "GET", f"{path}/progress")["months"]
    assert len(default) == 12 and default[-1]["month"] == month(today) and default[-1] == months[month(today)]

    for stage in ("active", "suspended"):   # the occurrences not yet due are cancelled: no longer planned
        call(api, "POST", f"{path}/lifecycle", {"to": stage})
    after = {row["month"]: row for row in call(api, "GET", f"{path}/progress", **{"from": first, "to": last})["months"]}
    assert after[month(today)]["occurrences"]["planned"] == missed[month(today)] + done[month(today)]
    assert after[last]["occurrences"]["planned"] == 0 < planned[last]


def test_a_leads_phase_evaluation_of_a_month_is_replaced_when_written_again_its_last_version_kept(projects):
    api, lead, engine, today = projects["api"], projects["lead"], projects["engine"], sitetime.today()
    project = new_project(api)
    path, earlier = f"/projects/{project['id']}", month(today.replace(day=1) - timedelta(days=1))
    with engine.connect() as connection:
        published = connection.scalar(text("SELECT count(*) FROM outbox"))
    first = call(api, "PUT", f"{path}/evaluations/{earlier}", {"rating": "at_risk", "summary": "两次探访未完成",
                                                               "next_steps": "补访"}, expect=201)
    assert (first["rating_zh"], first["rating_en"], first["written_by"]) == ("存在风险", "At risk", "office-clerk")
    again = call(lead, "PUT", f"{path}/evaluations/{earlier}", {"rating": "on_track", "summary": "已补访"})
    assert (again["rating"], again["written_by"], again["next_steps"]) == ("on_track", "lead-li", None)
    assert again["written_at"] >= first["written_at"]
    call(lead, "PUT", f"{path}/evaluations/{month(today)}", {"rating": "off_track", "summary": "暂停 paused"},
         expect=201)

    listed = call(projects["reader"], "GET", f"{path}/evaluations")["evaluations"]
    assert [(e["month"], e["rating"], e["written_by"]) for e in listed] == [
        (month(today), "off_track", "lead-li"), (earlier, "on_track", "lead-li")]
    history = [h for h in call(api, "GET", path)["history"] if h["action"] == "evaluation"]
    assert [(h["actor"], h["details"]["month"], h["details"]["rating"]) for h in history] == [
        ("office-clerk", earlier, "at_risk"), ("lead-li", earlier, "on_track"), ("lead-li", month(today), "off_track")]
    assert history[1]["details"]["previous"] == first and "previous" not in history[0]["details"]
    months = {row["month"]: row for row in call(api, "GET", f"{path}/progress", to=month(today))["months"]}
    assert months[earlier]["evaluation"] == again and months[month(today)]["evaluation"]["summary"] == "暂停 paused"
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM outbox")) == published   # no event for it


def test_an_evaluation_of_a_month_to_come_or_bad_is_a_400_and_stores_nothing(projects):
    api, today = projects["api"], sitetime.today()
    path = f"/projects/{new_project(api)['id']}"
    coming = month(today.replace(day=28) + timedelta(days=5))
    body = {"rating": "on_track", "summary": "ok"}
    assert list(call(api, "PUT", f"{path}/evaluations/{coming}", body, expect=400)["fields"]) == ["month"]
    for bad, field in ((f"{path}/evaluations/2026-13", "month"), (f"{path}/evaluations/2026-1", "month")):
        assert list(call(api, "PUT", bad, body, expect=400)["fields"]) == [field]
    for change, field in (({"rating": "fine"}, "rating"), ({"summary": ""}, "summary"),
                          ({"next_steps": "x" * 2001}, "next_steps"), ({"written_by": "me"}, "written_by")):
        answer = call(api, "PUT", f"{path}/evaluations/{month(today)}", {**body, **change}, expect=400)
        assert list(answer["fields"]) == [field]
    call(projects["reader"], "PUT", f"{path}/evaluations/{month(today)}", body, expect=403)
    call(api, "PUT", f"/projects/{'0' * 36}/evaluations/{month(today)}", body, expect=404)
    assert call(api, "GET", f"{path}/evaluations")["evaluations"] == []
    assert all(h["action"] != "evaluation" for h in call(api, "GET", path)["history"])


def test_progress_refuses_a_span_backwards_or_over_36_months_and_unknown_parameters(projects):
    api = projects["api"]
    path = f"/projects/{new_project(api)['id']}/progress"
    assert list(call(api, "GET", path, expect=400, **{"from": "2026-05", "to": "2026-04"})["fields"]) == ["to"]
    assert list(call(api, "GET", path, expect=400, **{"from": "2023-01", "to": "2026-01"})["fields"]) == ["from"]
    assert len(call(api, "GET", path, **{"from": "2023-02", "to": "2026-01"})["months"]) == 36
    assert list(call(api, "GET", path, expect=400, **{"from": "2026-00"})["fields"]) == ["from"]
    assert list(call(api, "GET", path, expect=400, months="3")["fields"]) == ["months"]
    assert call(api, "GET", f"/projects/{'0' * 36}/progress", expect=404)["message"]
