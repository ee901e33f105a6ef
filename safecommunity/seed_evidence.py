"""The demo's evidence (台账, 档案): files made in code (seed_files.py), each tagged with the AQ/T 9001
elements it supports, so that the projects' checklists and the self-evaluation pack count real
evidence. What each project's checklist asks for is filed, but its summary: that is written when
a project ends, so the checklists show it still to come."""
from .seed_files import document, ledger, photo

PHOTOS = {"photo_before": False, "photo_after": True, "photo": True}  # kind -> shows the work done
DOCUMENTS = ("plan", "summary", "minutes", "other")
LEFT_MISSING = ("summary",)
LEDGER_HEADER = ["日期 Date", "地点 Place", "人数 People reached", "记录 Note"]


def seed_evidence(api, rng, projects, held, meetings, out):
    filed = []  # the elements of each file filed
    for entry, project in projects.items():
        needs = api.get(f"/api/projects/projects/{project['id']}/checklist")["items"]
        for need in sorted(needs, key=lambda need: (need["kind"], need["elements"], need["activity_id"] or "")):
            if need["kind"] not in LEFT_MISSING:
                subject = {"activity_id": need["activity_id"]} if need["activity_id"] else {"project_id": project["id"]}
                filed.append(file(api, need["kind"], need["elements"], subject,
                                  *made(rng, entry, project, need["kind"])))
    filed += file_the_rest(api, rng, projects, held, meetings)
    out.write(f"{len(filed)} evidence files filed (plans, photos, ledgers, a sign-in sheet, minutes), supporting "
              f"{len({element for elements in filed for element in elements})} of AQ/T 9001's 12 elements\n")


def file_the_rest(api, rng, projects, held, meetings):
    """The diagnosis behind the elderly project and what it changed since last year, the gas project's
    funding ledger, the training's sign-in sheet, photos of the drill and the campaign, each
    meeting's minutes: the elements of each."""
    elderly, gas = projects["elderly_falls"]["id"], projects["gas_alarms"]["id"]
    diagnosis = document("Community diagnosis: falls of residents aged 60+ 社区诊断：60岁以上居民跌倒",
                         ["Injury cases from the community health centre 社区卫生服务中心伤害监测",
                          "High-risk group: elders living alone 高危人群：独居老人"])
    review = document("Last year's review and what changes 上年评估与改进",
                      ["Home checks extended to every empty-nest elder 居家检查扩大到全部空巢老人"])
    funding = ledger(["日期 Date", "来源 Source", "金额 Amount (yuan)", "已支出 Spent (yuan)"],
                     [[held["training"]["done_on"], "District safe-community fund 区安全社区专项经费", 8000, 7200]])
    training = held["training"]
    sign_in = ledger(["序号 No.", "签到 Attendee (assignment id)", "证书 Certificate"],
                     [[n, person, "yes" if n <= training["certificates_issued"] else "no"]
                      for n, person in enumerate(training["attendee_ids"], 1)])
    filed = [file(api, "other", ["diagnosis", "injury_surveillance"], {"project_id": elderly}, "diagnosis.pdf",
                  diagnosis),
             file(api, "other", ["continuous_improvement", "evaluation"], {"project_id": elderly}, "review.pdf",
                  review),
             file(api, "ledger", ["funding_resources"], {"project_id": gas}, "funding.csv", funding),
             file(api, "photo", ["emergency"], {"occurrence_id": held["drill"]["id"]}, "drill.png",
                  photo(colour(rng), marked=True)),
             file(api, "sign_in_sheet", ["publicity_training"], {"occurrence_id": training["id"]}, "sign-in.csv",
                  sign_in),
             file(api, "photo", ["publicity_training"], {"occurrence_id": held["campaign"]["id"]}, "campaign.png",
                  photo(colour(rng), marked=True))]
    for meeting in meetings:
        minutes = document(f"Minutes of the {meeting['kind'].replace('_', ' ')} meeting, {meeting['held_on']} 会议纪要",
                           [meeting["minutes"], f"Attendance 出席: {meeting['attendance']}"])
        filed.append(file(api, "minutes", ["organisation", "archives"], {"meeting_id": meeting["id"]},
                          f"minutes-{meeting['held_on']}.pdf", minutes))
    return filed


def made(rng, entry, project, kind):
    """(file name, bytes) of a piece of evidence of `kind` for the project."""
    if kind in PHOTOS:
        return f"{entry}-{kind}.png", photo(colour(rng), marked=PHOTOS[kind])
    if kind in DOCUMENTS:
        return f"{entry}-{kind}.pdf", document(f"{project['name']}: {kind}", [
            f"Lead department 牵头部门: {project['lead']}", f"Rounds done so far 已开展: {len(project['done'])}"])
    place = project["place"].get("grid_code") or project["place"].get("place")
    rows = [[day, place, reached, kind] for day, reached in project["done"]]
    return f"{entry}-{kind}.csv", ledger(LEDGER_HEADER, rows)


def colour(rng):
    return tuple(rng.randint(60, 220) for _ in range(3))


def file(api, kind, elements, subject, name, data):
    api.upload_form("/api/projects/evidence", {"kind": kind, "elements": ",".join(elements), **subject}, name, data)
    return elements
