"""`safecommunity backup` of a running platform that keeps taking injury cards and residents, then
`safecommunity restore` into a fresh data folder (embedded) or fresh databases and a fresh vhost
(distributed; its five services in one process here), and a platform started on it: every record
acknowledged before the backup began is there and nothing sent after it ended; reports' read models
and notifications agree with the restored incidents and registry (the events in flight published
again, none counted twice); the personal-data keys and the access store came back with the data."""
import subprocess
import sys
import time

import eventlet
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from safecommunity.backup import SNAPSHOT_ORDER
from safecommunity.config import SERVICES
from safecommunity.testing import PostgresDatabases, RabbitVhost, ServiceProcess, free_port, wait_until
from services.registry.codes import id_check_char
from tests.support import get, hazard_report, http, injury_card, log_in, post, summary

pytestmark = pytest.mark.integration

PRELOADED = 2000  # cards in the databases before the load starts, so the copy has something to copy
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # a hazard's photo, in incidents' attachments folder
PII_KEYS = {"PII_KEY": Fernet.generate_key().decode(), "PII_HASH_KEY": "h" * 40}


def id_number(serial):
    first17 = f"32011319480502{serial:02d}2"
    return first17 + id_check_char(first17)


def resident(**overrides):
    return {"name": "Li Hua", "sex": "female", "birth_date": "1948-05-02", "residence_type": "permanent",
            "grid_code": "XL-G1", **overrides}


class Load:
    """Cards (every 5th severe) and residents posted one a request, each with when it was sent and
    when it was acknowledged."""

    def __init__(self, url):
        self.url, self.running = url, True
        self.cards, self.residents = {}, {}  # key -> (sent, acknowledged)

    def run(self):
        number = 0
        while self.running:
            number += 1
            sent = time.monotonic()
            if number % 4:
                card = injury_card("XL-G1", severity="severe" if number % 5 == 0 else "mild")
                post(f"{self.url}/api/incidents/injuries", card, expect=201)
                self.cards[card["external_id"]] = (sent, time.monotonic())
            else:
                created = post(f"{self.url}/api/registry/residents", resident(), expect=201)
                self.residents[created["id"]] = (sent, time.monotonic())
            eventlet.sleep(0.01)


def cli(env, *arguments, fails=False):
    """The command in a process of its own (never this one: see database.keep_private), waited for
    without blocking the load's green thread; what it printed on stdout, or on stderr if it failed."""
    process = subprocess.Popen([sys.executable, "-m", "safecommunity", *arguments], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while process.poll() is None:
        eventlet.sleep(0.02)
    out, err = process.communicate()
    assert (process.returncode != 0) == fails, (arguments, process.returncode, out, err)
    return err if fails else out


def every_row(url, path, key, id_field="id"):
    """{id: row} of a listing, page by page."""
    rows, offset = {}, 0
    while page := get(f"{url}{path}", limit=500, offset=offset)[key]:
        rows.update((row[id_field], row) for row in page)
        offset += len(page)
    return rows


def prepare(url):
    for code, level, parent in (("XL", "district", None), ("XL-G1", "grid", "XL")):
        post(f"{url}/api/registry/grids", {"code": code, "name": code, "level": level, "parent_code": parent},
             expect=201)
    residents = {id_number(serial): post(f"{url}/api/registry/residents", resident(id_number=id_number(serial)),
                                         expect=201)["id"] for serial in (10, 11, 12)}
    wait_until(lambda: get(f"{url}/api/incidents/grids")["grids"], message="incidents to learn the grid")
    cards = [injury_card("XL-G1") for _ in range(PRELOADED)]
    for start in range(0, PRELOADED, 1000):
        post(f"{url}/api/incidents/injuries/batch", {"cases": cards[start:start + 1000]}, expect=200)
    hazard = post(f"{url}/api/incidents/hazards", hazard_report(grid_code="XL-G1"), expect=201)["hazard"]
    answer = http.post(f"{url}/api/incidents/hazards/{hazard['id']}/attachments", data=PHOTO, timeout=10,
                       params={"uploaded_by": "mall", "filename": "整改后.png"}, headers={"Content-Type": "image/png"})
    assert answer.status_code == 201, answer.text
    return {"residents": residents, "cards": {card["external_id"] for card in cards}, "photo": answer.json()["id"]}


def back_up_under_load(source, backup):
    """(load, began, ended) of a backup taken while the load runs before, during and after it."""
    load = Load(source.url)
    sender = eventlet.spawn(load.run)
    wait_until(lambda: len(load.cards) >= 20, message="cards to flow")
    began = time.monotonic()
    cli(source.env, "backup", str(backup))
    ended = time.monotonic()
    wait_until(lambda: any(sent > ended for sent, _ in load.cards.values()), message="cards after the backup")
    load.running = False
    sender.wait()
    assert any(began < acknowledged < ended for _, acknowledged in load.cards.values()), "no card during the backup"
    return load, began, ended


def backed_up(source, backup):
    """The source platform started, filled, backed up under load and stopped: (known, load, began, ended)."""
    source.start(migrate=True)
    try:
        log_in(source.admin_token())
        known = prepare(source.url)
        return (known, *back_up_under_load(source, backup))
    finally:
        source.stop()


def event_ids(url_for, services, query):
    ids = set()
    for service in services:
        engine = create_engine(url_for(service))
        with engine.connect() as connection:
            ids |= set(connection.scalars(text(query)))
        engine.dispose()
    return ids


def kept_once_each(url_for):
    """Reports' journal holds every event some restored producer's outbox holds, and nothing else."""
    return event_ids(url_for, ["reports"], "SELECT event_id FROM journal") == event_ids(
        url_for, SERVICES, "SELECT event_id FROM outbox")


def counted(url):
    return {key: value for key, value in summary(url).items() if key != "events_kept"}


def check_restored(target, load, began, ended, known, url_for):
    """url_for(service): the restored platform's database (read from this process, which is not the
    platform's: see database.keep_private)."""
    url = target.url
    cards = every_row(url, "/api/incidents/injuries", "cases", "external_id")
    residents = every_row(url, "/api/registry/residents", "residents")
    for records, before, restored in ((load.cards, known["cards"], set(cards)),
                                      (load.residents, set(known["residents"].values()), set(residents))):
        assert before | {key for key, (_, acknowledged) in records.items() if acknowledged < began} <= restored
        assert restored - before - {key for key, (sent, _) in records.items() if sent < ended} == set()
    expected = {"injuries": len(cards), "residents": len(residents), "grids": 2, "projects": 0}
    try:
        wait_until(lambda: counted(url) == expected, timeout=60, message="reports to count the restored records")
    except AssertionError:
        assert counted(url) == expected  # says which figure differs
        raise
    # events a restored consumer had not handled were published again, and it handled them now
    # (notifications' notices of cards in incidents' copy but not its own: new events, kept too)
    wait_until(lambda: kept_once_each(url_for), message="reports to keep every restored event once")
    severe = {card["id"] for card in cards.values() if card["severity"] == "severe"}
    wait_until(lambda: len(every_row(url, "/api/notifications/deliveries", "deliveries")) == len(severe),
               message=f"a notice for each of the {len(severe)} severe cards")
    assert http.get(f"{url}/api/incidents/attachments/{known['photo']}", timeout=10).content == PHOTO
    for number, resident_id in known["residents"].items():  # sealed with the keys, found by their hash
        [found] = get(f"{url}/api/registry/residents", id_number=number)["residents"]
        assert (found["id"], found["id_number"]) == (resident_id, number)
    eventlet.sleep(1)  # an event counted twice would show by now
    assert counted(url) == expected
    assert kept_once_each(url_for)


def test_an_embedded_backup_taken_under_load_restores_into_a_fresh_data_folder_as_it_was(tmp_path):
    source_env = {"SAFECOMMUNITY_DATA": str(tmp_path / "data"), "AMQP_URI": None, "DATABASE_URL": None}
    source = ServiceProcess([], free_port(), source_env, log_path=tmp_path / "source.log")
    known, load, began, ended = backed_up(source, tmp_path / "backup")
    backup = tmp_path / "backup"
    assert {path.name for path in backup.iterdir()} == {f"{name}.db" for name in (*SERVICES, "access")} | {
        "manifest.json", "registry-keys.json", "notifications-keys.json", "admin-token", "attachments.tar"}
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in backup.iterdir())
    assert backup.stat().st_mode & 0o777 == 0o700

    fresh = tmp_path / "restored"
    cli(source.env, "--data-dir", str(fresh), "restore", str(backup))
    assert fresh.stat().st_mode & 0o777 == 0o700
    target_env = {**source_env, "SAFECOMMUNITY_DATA": str(fresh)}
    target = ServiceProcess([], free_port(), target_env, log_path=tmp_path / "target.log").start(migrate=True)
    try:
        check_restored(target, load, began, ended, known, lambda service: f"sqlite:///{fresh}/{service}.db")
        assert http.get(f"{target.url}/api/access/whoami", timeout=5).status_code == 200  # the source's token
    finally:
        target.stop()


def test_a_distributed_backup_taken_under_load_restores_into_fresh_databases_as_it_was(vhost, databases, tmp_path):
    source_env = {"AMQP_URI": vhost.uri, "DATABASE_URL": databases.url, "ATTACHMENTS_DIR": str(tmp_path / "files"),
                  "EVIDENCE_DIR": str(tmp_path / "evidence"), **PII_KEYS}  # never the working folder's ./data
    source = ServiceProcess(list(SERVICES), free_port(), source_env, log_path=tmp_path / "source.log")
    known, load, began, ended = backed_up(source, tmp_path / "backup")
    backup = tmp_path / "backup"
    assert {path.name for path in backup.iterdir()} == {f"{name}.dump" for name in (*SERVICES, "access")} | {
        "manifest.json", "attachments.tar"}
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in backup.iterdir())

    with PostgresDatabases() as fresh, RabbitVhost() as fresh_vhost:
        target_env = {"AMQP_URI": fresh_vhost.uri, "DATABASE_URL": fresh.url,
                      "ATTACHMENTS_DIR": str(tmp_path / "restored-files"),
                      "EVIDENCE_DIR": str(tmp_path / "restored-evidence"), **PII_KEYS}
        env = {**source.env, **target_env}
        cli(env, "restore", str(backup))
        refused = cli(env, "restore", str(backup), fails=True)
        assert f"restore failed: not empty: {', '.join(SNAPSHOT_ORDER)}" in refused
        cli(env, "restore", "--force", str(backup))  # pg_restore --clean: the same data again, not twice
        target = ServiceProcess(list(SERVICES), free_port(), target_env, log_path=tmp_path / "target.log")
        target.start(migrate=True)
        try:
            check_restored(target, load, began, ended, known, lambda service: fresh.url.format(service=service))
        finally:
            target.stop()
