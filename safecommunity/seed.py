"""A small demo district, loaded through the platform's own HTTP API (so it works in both modes)."""
import random
import time
from datetime import date, datetime, timedelta, timezone

import requests

from .contracts import RESIDENCE_TYPES
from .contracts.incidents import SEVERITIES
from .seed_files import photo
from .seed_projects import seed_programme

DISTRICT = ("XL", "Xianlin District 仙林街道", None)
STREETS = [("XL-01", "Yangshan 羊山", "XL"), ("XL-02", "Wenyuan 文苑", "XL")]
COMMUNITIES = [("XL-01-01", "Yangshan North 羊山北", "XL-01"), ("XL-02-01", "Wenyuan East 文苑东", "XL-02")]
GRIDS = [(f"{parent}-G{n}", f"Grid {n} of {name.split()[0]} {name.split()[-1]}", parent)
         for parent, name, _ in COMMUNITIES for n in (1, 2, 3)]


def seed_demo_district(base_url, out, token, residents=1000, injuries=100, rng=None):
    rng = rng or random.Random(2026)
    api = Api(base_url, token)
    for level, rows in (("district", [DISTRICT]), ("street", STREETS), ("community", COMMUNITIES),
                        ("grid", GRIDS)):
        for code, name, parent in rows:
            api.post("/api/registry/grids", {"code": code, "name": name, "level": level,
                                             "parent_code": parent}, ok=(201, 409))
    grid_codes = [code for code, _, _ in GRIDS]
    for _ in range(residents):
        api.post("/api/registry/residents", random_resident(rng, grid_codes), ok=(201,))
    out.write(f"{len(GRIDS)} grids and {residents} residents registered\n")
    api.wait_until_incidents_know(grid_codes)
    cases = [random_case(rng, grid_codes, n) for n in range(injuries)]
    result = api.post("/api/incidents/injuries/batch", {"cases": cases}, ok=(200,))
    out.write(f"injury cases: {result['counts']}\n")
    units = seed_units_and_facilities(api, rng, grid_codes, out)
    seed_hazards_and_accidents(api, rng, grid_codes, out)
    seed_programme(api, rng, units, out)  # the committee, working groups, projects and their evidence
    out.write(f"open {base_url}/ for the dashboard\n")


# Unified social credit codes (GB 32100) with valid check characters, made once: the seed is a client
# of the API and knows none of the registry's code (tests/unit/test_seed_codes.py checks them).
CREDIT_CODES = ("91327485260574793W", "91328092752530931Y", "913285610083167160", "913228598208281696",
                "913269779680134557", "91326414355589820Y", "913266080360639189", "91323214064759087M",
                "91325354777327852G", "91323390452308039L", "91321588205413887E", "913275472749045870")
UNIT_TYPES = ("small_shop", "small_restaurant", "small_hotel", "small_workshop", "school", "market")
FACILITY_TYPES = ("hydrant", "extinguisher", "gas_alarm", "smoke_alarm")
HAZARDS = [("fire", "fire exit blocked by boxes"), ("electrical", "tangled wiring in a stairwell"),
           ("gas", "gas hose perished in a restaurant kitchen"), ("traffic", "faded zebra crossing by a school"),
           ("structural", "loose balcony railing"), ("special_equipment", "lift inspection certificate out of date")]


def seed_units_and_facilities(api, rng, grid_codes, out):
    """The units registered, as [(id, grid code)]."""
    units = []
    for n, credit_code in enumerate(CREDIT_CODES):
        unit = api.post("/api/registry/units", {
            "name": f"Demo unit {n + 1}", "type": rng.choice(UNIT_TYPES), "grid_code": rng.choice(grid_codes),
            "credit_code": credit_code}, ok=(201,))
        api.post(f"/api/registry/units/{unit['id']}/risk-grade",
                 {"risk_grade": rng.choice(("high", "moderate", "low", "low"))}, ok=(200,))
        units.append((unit["id"], unit["grid_code"]))
    for n in range(20):
        api.post("/api/registry/facilities", {
            "code": f"DEMO-F{n + 1:03d}", "type": rng.choice(FACILITY_TYPES), "grid_code": rng.choice(grid_codes),
            "status": rng.choices(("in_order", "faulty", "out_of_service"), weights=(75, 17, 8))[0]}, ok=(201,))
    out.write(f"{len(CREDIT_CODES)} units and 20 safety facilities registered\n")
    return units


def seed_hazards_and_accidents(api, rng, grid_codes, out):
    for n in range(14):
        category, description = rng.choice(HAZARDS)
        hazard = api.post("/api/incidents/hazards", {
            "source": "grid-app", "found_by": "patrol", "category": category,
            "severity": "major" if n % 7 == 0 else "general", "description": description,
            "reported_by": "grid officer", "grid_code": rng.choice(grid_codes),
            "responsible_party": "property office"}, ok=(201,))["hazard"]
        walk_hazard(api, hazard["id"], rng.choice((0, 1, 2, 3, 5, 5, 5)))  # most dealt with, some open
    for n in range(6):
        occurred = datetime.now(timezone.utc) - timedelta(days=rng.randint(1, 700))
        api.post("/api/incidents/accidents", {
            "source": rng.choice(("traffic-police", "fire-brigade", "work-safety")), "external_id": f"DEMO-A{n}",
            "kind": rng.choice(("traffic", "fire", "work")), "occurred_at": occurred.isoformat(),
            "grid_code": rng.choice(grid_codes), "deaths": rng.choice((0, 0, 0, 1)),
            "injuries": rng.randint(0, 4), "economic_loss": float(rng.randint(0, 80) * 1000)}, ok=(201,))
    out.write("14 hazards (most rectified) and 6 accidents reported\n")


def walk_hazard(api, hazard_id, steps):
    """Take a hazard `steps` steps along: notify, start rectification, rectify, verify, close."""
    actions = [("notify", {"responsible_party": "property office"}), ("start_rectification", {}),
               ("rectify", {}), ("verify", {"passed": True}), ("close", {})]
    for action, body in actions[:steps]:
        if action == "rectify":
            after = api.upload(f"/api/incidents/hazards/{hazard_id}/attachments?uploaded_by=demo&filename=after.png",
                               photo((180, 180, 170), marked=True), "image/png")  # the work done
            body = {"evidence": [after["id"]]}
        api.post(f"/api/incidents/hazards/{hazard_id}/{action}", {"actor": "demo", **body}, ok=(200,))


def random_resident(rng, grid_codes):
    age, today = rng.randint(0, 95), date.today()
    # within the year after the day `age + 1` years ago: exactly `age` years old today
    born = date(today.year - age - 1, today.month, min(today.day, 28)) + timedelta(days=rng.randint(1, 300))
    tags = ([{"tag": "elderly"}] if age >= 60 and rng.random() < 0.8 else []) + \
        ([{"tag": "child_0_6"}] if age <= 6 else [])
    return {"name": f"Resident {rng.randint(1, 10**6)}", "sex": rng.choice(("male", "female")),
            "birth_date": born.isoformat(), "grid_code": rng.choice(grid_codes),
            "residence_type": rng.choices(RESIDENCE_TYPES, weights=(80, 18, 2))[0], "tags": tags}


def random_case(rng, grid_codes, n):
    visit = datetime.now(timezone.utc) - timedelta(hours=rng.randint(1, 24 * 700))  # this year and last
    cause = rng.choices(("fall", "motor_vehicle", "cut_pierce", "animal", "burn_scald", "blunt_force"),
                        weights=(40, 20, 12, 10, 8, 10))[0]
    severity = rng.choices(SEVERITIES, weights=(70, 24, 6))[0]
    return {"source": "xianlin-chc", "external_id": f"DEMO-{n:05d}", "grid_code": rng.choice(grid_codes),
            "injury_time": (visit - timedelta(minutes=rng.randint(10, 240))).isoformat(),
            "visit_time": visit.isoformat(), "sex": rng.choice(("male", "female")),
            "age": rng.randint(1, 95), "residence_type": "permanent", "cause": cause,
            "intent": "unintentional", "place": "road" if cause == "motor_vehicle" else "home",
            "activity": "driving" if cause == "motor_vehicle" else "leisure",
            "nature": "burn" if cause == "burn_scald" else "contusion_abrasion",
            "body_part": "lower_limb", "severity": severity,
            "outcome": "admitted" if severity == "severe" else "treated_and_left"}


class Api:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path, body, ok):
        return self.send("POST", path, body, ok)

    def send(self, method, path, body, ok=(200,)):
        return self.answer(method, path, ok, self.http.request(method, self.base_url + path, json=body, timeout=60))

    def get(self, path, **params):
        return self.answer("GET", path, (200,), self.http.get(self.base_url + path, params=params, timeout=60))

    def upload(self, path, data, content_type):
        response = self.http.post(self.base_url + path, data=data, headers={"Content-Type": content_type},
                                  timeout=60)
        return self.answer("POST", path, (201,), response)

    def upload_form(self, path, fields, filename, data):
        """A multipart form: the fields, and the file in its field `file`."""
        response = self.http.post(self.base_url + path, data=fields, files={"file": (filename, data)}, timeout=60)
        return self.answer("POST", path, (201,), response)

    @staticmethod
    def answer(method, path, ok, response):
        if response.status_code not in ok:
            raise SystemExit(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    def wait_until_incidents_know(self, grid_codes, timeout=30):
        """incidents learns grids from registry's events; give them a moment to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            known = {g["code"] for g in self.http.get(self.base_url + "/api/incidents/grids").json()["grids"]}
            if set(grid_codes) <= known:
                return
            time.sleep(0.2)
        raise SystemExit("incidents has not heard of the grids; is the platform's broker running?")
