import pytest

from safecommunity import sitetime
from safecommunity.contracts import incidents as contracts
from safecommunity.contracts import notifications as own_contracts
from services.notifications import fanout, templates, warnings
from services.notifications.templates import CHANNEL_PARTS, LANGUAGES, TemplateRefused, sms_parts

EVENTS = ("injury.reported", "accident.reported", "hazard.reported", "hazard.notified", "hazard.escalated",
          "hazard.reminded", "hazard.overdue", "alert.issued", "digest")
NOT_EVENTS = ("digest",)  # digests.compose's payload, not an event's
NAMES = {"grid": "莲花社区第3网格", "department": "区应急管理局", "unit": "莲花商贸有限公司",
         "source": "区人民医院", "party": "莲花商贸有限公司"}
SPECS = {spec.type: spec for spec in contracts.EVENTS + own_contracts.EVENTS}
TOLD_PER_GRID = {"alert.issued": {"grid_code"}}  # fanout tells an alert grid by grid, each its grid_code


@pytest.fixture(autouse=True)
def shanghai():
    sitetime.configure({"SITE_TIMEZONE": "Asia/Shanghai"})


@pytest.fixture(scope="module")
def defaults():
    return templates.load()


def site_file(tmp_path, lang, event_type, text):
    (tmp_path / lang).mkdir(parents=True, exist_ok=True)
    (tmp_path / lang / f"{event_type}.yaml").write_text(text, encoding="utf-8")
    return {"NOTIFY_TEMPLATES_DIR": str(tmp_path)}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("event_type", EVENTS)
def test_every_default_template_renders_a_realistic_event_in_each_language_and_channel(defaults, lang, event_type):
    payload = templates.samples()[event_type]
    for channel, parts in CHANNEL_PARTS.items():
        message = defaults.render(lang, event_type, channel, payload, NAMES)
        assert set(message) == set(parts) and all(message.values())
        assert "None" not in " ".join(message.values()) and "{{" not in " ".join(message.values())


def test_a_chinese_template_shows_names_chinese_labels_and_site_time(defaults):
    message = defaults.render("zh", "hazard.reported", "in_app", templates.samples()["hazard.reported"], NAMES)
    assert message["subject"] == "重大隐患（燃气）：莲花社区第3网格"
    assert "网格巡查" in message["body"] and "整改期限2026-11-21 08:10" in message["body"]


def test_an_english_template_shows_english_labels(defaults):
    message = defaults.render("en", "injury.reported", "in_app", templates.samples()["injury.reported"], NAMES)
    assert message["subject"] == "Severe injury (Fall) in 莲花社区第3网格"


def test_a_missing_name_falls_back_to_the_code_and_an_absent_grid_to_unknown(defaults):
    payload = templates.samples()["hazard.overdue"]
    assert defaults.render("zh", "hazard.overdue", "in_app", payload)["subject"] == "隐患逾期：330106001003"
    assert defaults.render("en", "hazard.overdue", "in_app", {**payload, "grid_code": None})["subject"] == \
        "Hazard overdue: unknown"


def test_a_time_is_shown_on_the_site_clock():
    assert templates.local_time("2026-01-31T23:30:00Z") == "2026-02-01 07:30"


def test_an_events_time_in_utc_shows_the_next_day_in_shanghai(defaults):
    payload = {**templates.samples()["hazard.overdue"], "deadline": "2026-01-31T23:30:00Z"}
    assert "02-01 07:30" in defaults.render("zh", "hazard.overdue", "sms", payload)["text"]


def test_a_severe_injurys_in_app_notice_is_the_chinese_template():
    injury = {"case_id": "c-1", "source": "h1", "grid_code": "G1", "cause": "fall", "severity": "severe",
              "outcome": "admitted", "injury_time": "2026-11-01T10:00:00+00:00"}
    notice = fanout.notice(fanout.Trigger("e-1", "injury.reported", injury), "committee-office", "in_app", {})
    assert notice.subject == "重度伤害（跌倒/坠落）：G1"
    assert notice.body == "h1报告一例重度伤害：跌倒/坠落，结局住院，受伤时间2026-11-01 18:00，网格G1。病例编号 c-1。"


def test_an_sms_counts_seventy_characters_with_chinese_and_a_hundred_and_sixty_in_gsm7():
    assert sms_parts("a" * 160) == 1 and sms_parts("a" * 161) == 2 and sms_parts("a" * 307) == 3
    assert sms_parts("网" * 70) == 1 and sms_parts("网" * 71) == 2 and sms_parts("a" * 69 + "网") == 1
    assert sms_parts("{" * 80) == 1 and sms_parts("{" * 81) == 2  # an extension character takes two


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("event_type", EVENTS)
def test_every_default_sms_is_one_message_with_the_longest_names_and_labels(lang, event_type):
    sample = templates.samples()[event_type]
    names = {kind: templates.WORST_NAME for kind in NAMES}
    template = templates.CHECK_ENV.from_string(
        templates._read_yaml(templates.DEFAULTS_DIR / lang / f"{event_type}.yaml")["sms"]["text"])
    text = template.render(templates.context_for(lang, event_type, sample, names, "某" * 20))
    assert (templates.WORST_NAME in text or event_type in NOT_EVENTS) and sms_parts(text) == 1, text


def test_a_site_template_overrides_the_default(tmp_path):
    config = site_file(tmp_path, "zh", "hazard.overdue", 'sms:\n  text: "逾期请督办：{{ names.grid }}"\n')
    loaded = templates.load(config)
    payload = templates.samples()["hazard.overdue"]
    assert loaded.render("zh", "hazard.overdue", "sms", payload, NAMES) == {"text": "逾期请督办：莲花社区第3网格"}
    assert loaded.render("zh", "hazard.overdue", "in_app", payload, NAMES)["subject"] == "隐患逾期：莲花社区第3网格"


def test_a_template_naming_a_missing_field_is_refused_at_load_naming_the_file(tmp_path):
    config = site_file(tmp_path, "zh", "hazard.overdue", 'sms:\n  text: "{{ to_department }}"\n')
    with pytest.raises(TemplateRefused, match=r"zh/hazard\.overdue\.yaml: sms\.text: UndefinedError.*to_department"):
        templates.load(config)


def test_a_name_the_event_has_no_code_for_is_refused_at_load(tmp_path):
    config = site_file(tmp_path, "en", "injury.reported", 'sms:\n  text: "{{ names.department }}"\n')
    with pytest.raises(TemplateRefused, match="department"):
        templates.load(config)


@pytest.mark.parametrize("escape", ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}",
                                    "{{ site.name.format.__globals__ }}", "{{ ''.__class__.__subclasses__() }}"])
def test_a_template_escaping_the_sandbox_is_refused_at_load(tmp_path, escape):
    config = site_file(tmp_path, "zh", "hazard.overdue", f'sms:\n  text: "{escape}"\n')
    with pytest.raises(TemplateRefused, match=r"hazard\.overdue\.yaml: sms\.text: (SecurityError|UndefinedError)"):
        templates.load(config)


def test_a_sandbox_escape_reaching_render_raises_a_clear_error():
    template = templates.RENDER_ENV.from_string("{{ ''.__class__.__mro__ }}")
    with pytest.raises(TemplateRefused, match="x.yaml: SecurityError"):
        templates._render("x.yaml", template, {"lang": "zh"})


@pytest.mark.parametrize("text, problem", [
    ('sms:\n  text: "{{ names.grid "\n', "TemplateSyntaxError"),
    ('sms:\n  body: "x"\n', "sms needs exactly text"),
    ('chat:\n  title: "x"\n', "chat needs exactly title, text"),
    ('webhook:\n  body: "x"\n', "channel 'webhook' takes no template"),
    ("sms: [\n", "cannot be read as YAML"),
    ('sms:\n  text: "{{ category|label(\'colour\') }}"\n', "label table 'colour' does not exist"),
])
def test_a_broken_site_template_is_refused_at_load_naming_the_file_and_problem(tmp_path, text, problem):
    config = site_file(tmp_path, "zh", "hazard.reported", text)
    with pytest.raises(TemplateRefused, match=r"zh/hazard\.reported\.yaml") as refused:
        templates.load(config)
    assert problem in str(refused.value)


def test_a_site_sms_longer_than_one_message_is_refused_with_its_length(tmp_path):
    text = "{{ names.grid }}{{ names.unit }}发现{{ category|label('hazard_category') }}隐患，请处理"
    config = site_file(tmp_path, "zh", "hazard.reported", f'sms:\n  text: "{text}"\n')
    with pytest.raises(TemplateRefused, match=r"sms\.text: with the longest names and labels it takes 2 SMS"):
        templates.load(config)
    with pytest.raises(TemplateRefused, match=r"\(83 characters; one SMS holds 70 with any Chinese"):
        templates.load(config)


def test_a_site_file_for_an_unknown_event_or_language_is_refused(tmp_path):
    with pytest.raises(TemplateRefused, match="'hazard.exploded' is not an event type"):
        templates.load(site_file(tmp_path, "zh", "hazard.exploded", 'sms:\n  text: "x"\n'))
    with pytest.raises(TemplateRefused, match="expected <zh|en>"):
        templates.load(site_file(tmp_path / "b", "fr", "hazard.overdue", 'sms:\n  text: "x"\n'))


def test_a_missing_site_folder_is_refused():
    with pytest.raises(TemplateRefused, match="NOTIFY_TEMPLATES_DIR /nowhere is not a folder"):
        templates.load({"NOTIFY_TEMPLATES_DIR": "/nowhere"})


def test_the_samples_carry_exactly_the_fields_of_each_events_contract():
    for event_type, sample in templates.samples().items():
        if event_type in NOT_EVENTS:
            continue
        assert set(sample) == set(SPECS[event_type].schema.fields) | TOLD_PER_GRID.get(event_type, set()), event_type
        assert SPECS[event_type].schema.validate(sample) == {}, event_type


def test_the_label_tables_label_every_code_the_contracts_carry():
    lists = {"cause": contracts.CAUSES, "intent": contracts.INTENTS, "place": contracts.PLACES,
             "activity": contracts.ACTIVITIES, "nature": contracts.NATURES, "body_part": contracts.BODY_PARTS,
             "severity": contracts.SEVERITIES, "outcome": contracts.OUTCOMES,
             "accident_kind": contracts.ACCIDENT_KINDS, "public_order_kind": contracts.PUBLIC_ORDER_KINDS,
             "hazard_category": contracts.HAZARD_CATEGORIES, "hazard_severity": contracts.HAZARD_SEVERITIES,
             "hazard_status": contracts.HAZARD_STATUSES, "warning_kind": warnings.KINDS,
             "warning_colour": warnings.COLOURS, "alert_status": warnings.STATUSES,
             "alert_msg_type": warnings.MESSAGE_TYPES}
    for table, codes in lists.items():
        assert set(templates.labels()[table]) == set(codes), table
        assert all(len(row) == 2 and all(row) for row in templates.labels()[table].values()), table
