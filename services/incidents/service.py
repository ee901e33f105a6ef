"""Incidents: injury cases, accidents, public-order events and hazards (entrypoints only)."""
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from safecommunity.auth import Auth
from safecommunity.bodies import UPLOAD
from safecommunity.consumer import event_handler
from safecommunity.downloads import attachment_headers
from safecommunity.fastschema import Loader
from safecommunity.gauges import BusinessGauges
from safecommunity.scopes import PUBLIC
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from . import schemas as s
from .amqp_intake import declare_intake, intake
from .codes import CODE_TABLES
from .commands import (
    amend_case,
    attach,
    check_deadlines,
    hazard_action,
    read_batch,
    read_upload,
    report_one,
    unit_views,
)
from .dependencies import Attachments, Policy, timer_every
from .intake import CREATED, INTAKE_KINDS, REJECTED, counts, take_in, take_in_messages, take_in_records
from .rules import rule_table
from .storage import IncidentsUnitOfWork
from .storage.gauges import GAUGES, read_gauges

CASE, BATCH = s.InjuryCaseSchema(), Loader(s.BatchSchema())
READ, WRITE = "incidents:read", "incidents:write"


class IncidentsService:
    name = "incidents"
    store = Store(IncidentsUnitOfWork)
    policy = Policy()
    files = Attachments()
    caller = Auth()
    gauges = BusinessGauges(read_gauges, *GAUGES)  # open and overdue hazards, injuries today
    broker_topology = (declare_intake,)  # declared by `safecommunity migrate`, before the first start

    # -- injury cases -----------------------------------------------------------------------------

    @http("POST", "/api/incidents/injuries", scope=WRITE)
    def report_injury(self, request):
        [result] = take_in(self.store, self._own([read_json(request)]))
        if result["status"] == REJECTED:
            raise ValidationError(result["errors"])
        self.store.commit()
        case = CASE.dump(self.store.cases.get(result.pop("case_id")))
        return (201 if result["status"] == CREATED else 200), {**result, "case": case}

    @http("POST", "/api/incidents/injuries/batch", scope=WRITE)
    def report_injuries(self, request):
        results = take_in(self.store, self._own(BATCH.load(read_batch(request, "cases"))["cases"]))
        self.store.commit()
        return {"counts": counts(results), "results": results}

    @http("PUT", "/api/incidents/injuries/<case_id>", scope=WRITE)
    def amend_injury(self, request, case_id):
        answer = amend_case(self.store, case_id, read_json(request), self.caller.require_sources)
        self.store.commit()
        return answer

    @http("GET", "/api/incidents/injuries/<case_id>", scope=READ)
    def show_injury(self, request, case_id):
        return s.InjuryCaseSchema().dump(self.store.cases.get(case_id))

    @http("GET", "/api/incidents/injuries/<case_id>/history", scope=READ)
    def show_injury_history(self, request, case_id):
        case = s.InjuryCaseSchema().dump(self.store.cases.get(case_id))
        return {"case": case, "history": self.store.cases.history(case_id)}

    @http("GET", "/api/incidents/injuries", scope=READ)
    def list_injuries(self, request):
        limit, offset = paging(request)
        cases = self.store.cases.list(s.InjuryQuerySchema().load(request.args), limit, offset)
        return {"limit": limit, "offset": offset, "cases": s.InjuryCaseSchema(many=True).dump(cases)}

    @http("GET", "/api/incidents/code-tables", scope=PUBLIC)
    def list_code_tables(self, request):
        return {"tables": CODE_TABLES, "rules": rule_table()}

    # -- accidents and public order -----------------------------------------------------------------

    @http("POST", "/api/incidents/accidents", body=s.ReportAccidentSchema, scope=WRITE)
    def report_accident(self, request):
        status, accident_id = report_one(self.store, "accident", self._own([read_json(request)])[0])
        self.store.commit()
        accident = s.AccidentSchema().dump(self.store.accidents.get(accident_id))
        return (201 if status == CREATED else 200), {"status": status, "accident": accident}

    @http("POST", "/api/incidents/accidents/batch", body=s.AccidentBatchSchema, scope=WRITE)
    def report_accidents(self, request):
        return self._take_in_batch("accident", request, s.AccidentBatchSchema, "accidents")

    @http("GET", "/api/incidents/accidents", scope=READ)
    def list_accidents(self, request):
        limit, offset = paging(request)
        found = self.store.accidents.list(s.AccidentQuerySchema().load(request.args), limit, offset)
        return {"limit": limit, "offset": offset, "accidents": s.AccidentSchema(many=True).dump(found)}

    @http("GET", "/api/incidents/accidents/<accident_id>", scope=READ)
    def show_accident(self, request, accident_id):
        return s.AccidentSchema().dump(self.store.accidents.get(accident_id))

    @http("POST", "/api/incidents/public-order", body=s.ReportPublicOrderSchema, scope=WRITE)
    def report_public_order(self, request):
        status, event_id = report_one(self.store, "public_order", self._own([read_json(request)])[0])
        self.store.commit()
        event = s.PublicOrderSchema().dump(self.store.public_order.get(event_id))
        return (201 if status == CREATED else 200), {"status": status, "event": event}

    @http("POST", "/api/incidents/public-order/batch", body=s.PublicOrderBatchSchema, scope=WRITE)
    def report_public_order_events(self, request):
        return self._take_in_batch("public_order", request, s.PublicOrderBatchSchema, "events")

    @http("POST", "/api/incidents/public-order/<event_id>/steps", scope=WRITE)
    def advance_dispute(self, request, event_id):
        command = s.DisputeStepSchema().load(read_json(request))
        event = self.store.public_order.get(event_id, for_update=True)
        event.advance(**command)
        self.store.public_order.save(event)
        self.store.commit()
        return self.show_public_order(request, event_id)

    @http("GET", "/api/incidents/public-order", scope=READ)
    def list_public_order(self, request):
        limit, offset = paging(request)
        found = self.store.public_order.list(s.PublicOrderQuerySchema().load(request.args), limit, offset)
        return {"limit": limit, "offset": offset, "events": s.PublicOrderSchema(many=True).dump(found)}

    @http("GET", "/api/incidents/public-order/<event_id>", scope=READ)
    def show_public_order(self, request, event_id):
        event = s.PublicOrderSchema().dump(self.store.public_order.get(event_id))
        return {**event, "history": self.store.public_order.history(event_id)}

    # -- hazards --------------------------------------------------------------------------------------

    @http("POST", "/api/incidents/hazards", body=s.ReportHazardSchema, scope=WRITE)
    def report_hazard(self, request):
        status, hazard_id = report_one(self.store, "hazard", self._own([read_json(request)])[0], self.policy)
        self.store.commit()
        return (201 if status == CREATED else 200), {"status": status, "hazard": self._hazard(hazard_id)}

    @http("POST", "/api/incidents/hazards/batch", body=s.HazardBatchSchema, scope=WRITE)
    def report_hazards(self, request):
        return self._take_in_batch("hazard", request, s.HazardBatchSchema, "hazards")

    @http("POST", "/api/incidents/hazards/<hazard_id>/<action>", scope=WRITE)
    def act_on_hazard(self, request, hazard_id, action):
        command = hazard_action(action, read_json(request))
        hazard = self.store.hazards.get(hazard_id, for_update=True)
        getattr(hazard, action)(**command)
        self.store.hazards.save(hazard)
        self.store.commit()
        return self._hazard(hazard_id)

    @http("POST", "/api/incidents/hazards/<hazard_id>/attachments", scope=WRITE, body_limit=UPLOAD)
    def attach_to_hazard(self, request, hazard_id):
        upload = read_upload(request, self.files.max_bytes)
        query = s.AttachmentQuerySchema().load(request.args)
        filename = query.get("filename") or upload[2]
        row = attach(self.store, self.files, hazard_id, upload[0], upload[1], filename, query["uploaded_by"])
        self.store.commit()
        return 201, row

    @http("GET", "/api/incidents/attachments/<attachment_id>", scope=READ)
    def show_attachment(self, request, attachment_id):
        row = self.store.hazards.attachment(attachment_id)
        return Response(self.files.path(row["sha256"]).read_bytes(), mimetype=row["content_type"],
                        headers=attachment_headers(row["filename"]))

    @http("GET", "/api/incidents/hazards", scope=READ)
    def list_hazards(self, request):
        limit, offset = paging(request)
        found = self.store.hazards.list(s.HazardQuerySchema().load(request.args), limit, offset)
        return {"limit": limit, "offset": offset, "hazards": s.HazardSchema(many=True).dump(found)}

    @http("GET", "/api/incidents/hazards/<hazard_id>", scope=READ)
    def show_hazard(self, request, hazard_id):
        return self._hazard(hazard_id)

    @http("GET", "/api/incidents/hazard-policy", scope=PUBLIC)
    def show_hazard_policy(self, request):
        return self.policy.as_dict()

    @timer_every("HAZARD_CHECK_INTERVAL")
    def check_hazard_deadlines(self):
        check_deadlines(self.store, self.policy)

    def _take_in_batch(self, kind, request, schema, key):
        """1 to 1,000 records: the good ones stored, the bad ones change nothing; a result each."""
        items = schema().load(read_batch(request, key))[key]
        results = take_in_records(self.store, kind, self._own(items), self.policy)
        self.store.commit()
        return {"counts": counts(results), "results": results}

    def _own(self, records):
        """The records, when the caller may report under every source they name; 403 otherwise, as a
        department's AMQP user may write only its own routing keys."""
        self.caller.require_sources({record["source"] for record in records
                                     if isinstance(record, dict) and isinstance(record.get("source"), str)})
        return records

    def _hazard(self, hazard_id):
        return {**s.HazardSchema().dump(self.store.hazards.get(hazard_id)),
                "history": self.store.hazards.history(hazard_id),
                "attachments": self.store.hazards.attachments(hazard_id)}

    # -- intake from departments and registry ---------------------------------------------------------

    @intake(*INTAKE_KINDS)
    def take_in_from_departments(self, messages):
        take_in_messages(self.store, messages, self.policy)
        self.store.commit()

    @http("GET", "/api/incidents/intake/rejections", scope=READ)
    def list_intake_rejections(self, request):
        limit, offset = paging(request)
        query = s.RejectionQuerySchema().load(request.args)
        return {"limit": limit, "offset": offset,
                "rejections": self.store.rejections.list(query.get("department"), limit, offset)}

    @http("GET", "/api/incidents/grids", scope=READ)
    def list_known_grids(self, request):
        return {"grids": self.store.grids.list()}

    @event_handler("grid.created")
    def handle_grid_created(self, events):
        self.store.grids.add_many([event.data for event in self.store.inbox.claim(events)])
        self.store.commit()

    @http("GET", "/api/incidents/units", query=s.UnitQuerySchema, scope=READ)
    def list_known_units(self, request):
        s.UnitQuerySchema().load(request.args)
        limit, offset = paging(request)
        return {"limit": limit, "offset": offset, "units": self.store.units.list(limit, offset)}

    @event_handler("unit.registered")
    def handle_unit_registered(self, events):
        self.store.units.apply(unit_views(self.store.inbox.claim(events)))
        self.store.commit()

    @event_handler("unit.updated")
    def handle_unit_updated(self, events):
        self.store.units.apply(unit_views(self.store.inbox.claim(events)))
        self.store.commit()


SERVICE = IncidentsService
