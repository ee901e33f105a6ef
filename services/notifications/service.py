"""Notifications: tells people what they need to know, until someone acts, and logs every delivery
(entrypoints only)."""
from werkzeug.wrappers import Response

from safecommunity.auth import Auth
from safecommunity.consumer import event_handler
from safecommunity.database import utcnow
from safecommunity.gauges import BusinessGauges
from safecommunity.scopes import PUBLIC
from safecommunity.storage import Store
from safecommunity.web import http, paging, read_json

from . import ackpage, alerts, notifying
from .cap import CAP_MEDIA_TYPE
from .dependencies import Sending, timer_every
from .gauges import GAUGES, read_gauges
from .masking import mask
from .schemas import (
    ContactsSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    EscalationQuerySchema,
    EscalationSchema,
    HoldersQuerySchema,
    InboxQuerySchema,
    LoginsSchema,
    RecipientQuerySchema,
    Strict,
    SubscribeSchema,
    SubscriptionSchema,
    recipient_in_path,
)
from .sending import send_due
from .storage import NotificationsUnitOfWork
from .subscriptions import EVENT_TYPES, Subscription
from .warnings import WeatherWarningSchema

READ, WRITE, INBOX = "notifications:read", "notifications:write", "notifications:inbox"
ALERTS = "alerts:write"
TOLD = EVENT_TYPES  # subscriptions.py: the events rules and subscriptions may name


class NotificationsService:
    name = "notifications"
    store = Store(NotificationsUnitOfWork)
    caller = Auth()
    sending = Sending()
    gauges = BusinessGauges(read_gauges, *GAUGES)  # notices unacknowledged

    # -- the registry, as far as finding recipients (and units' types) needs it ----------------------------------------
    @event_handler("grid.created")
    def handle_grid_created(self, events):
        self._keep(events, self.store.directory.grid_created)

    @event_handler("department.registered")
    def handle_department_registered(self, events):
        self._keep(events, self.store.directory.department_registered)

    @event_handler("assignment.started", "assignment.ended")
    def handle_assignment_changed(self, events):
        self._keep(events, self.store.directory.assignment_changed)

    @event_handler("unit.registered", "unit.updated")
    def handle_unit_changed(self, events):
        self._keep(events, self.store.directory.unit_changed)

    def _keep(self, events, step):
        for event in self.store.inbox.claim(events):
            step(event.data)
        self.store.commit()

    # -- what is told -------------------------------------------------------------------------------
    @event_handler(*TOLD)
    def handle_told_event(self, events):
        notifying.tell(self.store, self.sending, events)

    @timer_every("NOTIFY_SEND_INTERVAL")
    def send_due_deliveries(self):
        notifying.requeue_replayed(self.store)  # dead letters an operator replayed (deadletters.py)
        send_due(self.store, self.sending)

    @timer_every("NOTIFY_ESCALATE_INTERVAL")
    def escalate_due(self):
        notifying.escalate_due(self.store, self.sending)

    @timer_every("NOTIFY_DIGEST_INTERVAL")
    def send_digests(self):
        notifying.send_digests(self.store, self.sending)

    # -- HTTP -------------------------------------------------------------------------------------
    @http("POST", "/api/notifications/deliveries/<delivery_id>/acknowledge", scope=WRITE)
    def acknowledge(self, request, delivery_id):
        return DeliverySchema().dump(notifying.acknowledge(self.store, delivery_id, self.caller.subject))

    @http("GET", "/api/notifications/deliveries", scope=READ)
    def list_deliveries(self, request):
        query = DeliveryQuerySchema().load(request.args)
        limit, offset = paging(request)
        notices = self.store.deliveries.list(limit, offset, query.get("recipient"))
        return {"deliveries": DeliverySchema(many=True).dump(notices)}

    # -- by the link in the message (acklinks.py): the token is the credential ------------------------
    @http("GET", "/api/notifications/ack/<token>", scope=PUBLIC)
    def show_acknowledgement(self, request, token):
        Strict().load(request.args)
        return ackpage.respond(request, lambda: notifying.linked_notice(self.store, self.sending.links, token),
                               ackpage.shown, DeliverySchema().dump)

    @http("POST", "/api/notifications/ack/<token>", scope=PUBLIC)
    def acknowledge_by_link(self, request, token):
        return ackpage.respond(request, lambda: notifying.acknowledge_by_link(self.store, self.sending.links, token),
                               ackpage.confirmed, DeliverySchema().dump)

    # -- a person's own inbox --------------------------------------------------------------------
    @http("GET", "/api/notifications/inbox", scope=INBOX)
    def show_inbox(self, request):
        query = InboxQuerySchema().load(request.args)
        limit, offset = paging(request)
        recipients = self.store.logins.recipients(self.caller.subject)
        notices, unread = self.store.deliveries.inbox(recipients, query.get("unread"), limit, offset)
        return {"recipients": recipients, "unread": unread, "notices": DeliverySchema(many=True).dump(notices)}

    @http("POST", "/api/notifications/inbox/<delivery_id>/read", scope=INBOX)
    def read_notice(self, request, delivery_id):
        return DeliverySchema().dump(notifying.read(self.store, self.caller.subject, delivery_id))

    @http("POST", "/api/notifications/inbox/<delivery_id>/acknowledge", scope=INBOX)
    def acknowledge_own(self, request, delivery_id):
        notice = notifying.own_notice(self.store, self.caller.subject, delivery_id)
        return DeliverySchema().dump(notifying.acknowledge(self.store, delivery_id, self.caller.subject, notice))

    @http("PUT", "/api/notifications/logins/<recipient>", scope=WRITE)
    def set_logins(self, request, recipient):
        recipient, command = recipient_in_path(recipient), LoginsSchema().load(read_json(request))
        self.store.logins.set(recipient, sorted(set(command["subjects"])), self.caller.subject)
        self.store.commit()
        return {"recipient": recipient, "subjects": self.store.logins.of(recipient)}

    @http("GET", "/api/notifications/logins/<recipient>", scope=READ)
    def show_logins(self, request, recipient):
        Strict().load(request.args)
        recipient = recipient_in_path(recipient)
        return {"recipient": recipient, "subjects": self.store.logins.of(recipient)}

    @http("PUT", "/api/notifications/contacts/<recipient>", scope=WRITE)
    def set_contacts(self, request, recipient):
        recipient, addresses = recipient_in_path(recipient), ContactsSchema().load(read_json(request))
        contacts = self.store.contacts(self.sending.sealer)
        contacts.set(recipient, addresses, self.caller.subject)
        self.store.commit()
        return {"recipient": recipient, "addresses": {ch: mask(a) for ch, a in contacts.of(recipient).items()}}

    @http("GET", "/api/notifications/contacts/<recipient>", scope=READ)
    def show_contacts(self, request, recipient):
        Strict().load(request.args)
        recipient, contacts = recipient_in_path(recipient), self.store.contacts(self.sending.sealer)
        return {"recipient": recipient, "addresses": {ch: mask(a or "") for ch, a in contacts.of(recipient).items()}}

    @http("POST", "/api/notifications/subscriptions", scope=WRITE)
    def subscribe(self, request):
        subscription = Subscription.subscribe(**SubscribeSchema().load(read_json(request)), by=self.caller.subject)
        self.store.subscriptions.add(subscription)
        self.store.commit()
        return 201, SubscriptionSchema().dump(subscription)

    @http("GET", "/api/notifications/subscriptions", scope=READ)
    def list_subscriptions(self, request):
        query = RecipientQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = self.store.subscriptions.list(limit, offset, query.get("recipient"))
        return {"subscriptions": SubscriptionSchema(many=True).dump(found)}

    @http("DELETE", "/api/notifications/subscriptions/<subscription_id>", scope=WRITE)
    def unsubscribe(self, request, subscription_id):
        self.store.subscriptions.remove(subscription_id)
        self.store.commit()
        return {"removed": subscription_id}

    @http("GET", "/api/notifications/rules", scope=READ)
    def list_rules(self, request):
        Strict().load(request.args)
        return {"rules": SubscriptionSchema(many=True).dump(self.sending.rules)}

    @http("GET", "/api/notifications/holders", scope=READ)
    def list_holders(self, request):
        query = HoldersQuerySchema().load(request.args)
        return notifying.holders(self.store, query["role"], query.get("grid_code"))

    @http("GET", "/api/notifications/escalations", scope=READ)
    def list_escalations(self, request):
        query = EscalationQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = self.store.escalations.list(limit, offset, query.get("status"))
        return {"escalations": EscalationSchema(many=True).dump(found)}

    # -- public warnings (CAP 1.2) -----------------------------------------------------------------
    @http("POST", "/api/notifications/warnings", scope=ALERTS)
    def issue_warning(self, request):
        warning = WeatherWarningSchema().load(read_json(request))
        alert = alerts.issue(self.store, self.sending.cap_sender, warning, self.caller.subject, utcnow())
        return 201, alerts.answer(alert)

    @http("GET", "/api/notifications/alerts", scope=PUBLIC)
    def alerts_feed(self, request):
        Strict().load(request.args)
        body = alerts.feed(self.store, self.sending.cap_sender, request.host_url.rstrip("/"))
        return Response(body, content_type="application/atom+xml; charset=utf-8")

    @http("GET", "/api/notifications/alerts/<identifier>", scope=PUBLIC)
    def show_alert(self, request, identifier):
        Strict().load(request.args)
        return Response(self.store.alerts.cap_xml(identifier), content_type=f"{CAP_MEDIA_TYPE}; charset=utf-8")


SERVICE = NotificationsService
