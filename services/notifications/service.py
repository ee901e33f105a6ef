"""Notifications: tells people what they need to know, and logs every delivery (entrypoints only)."""
from safecommunity.auth import Auth
from safecommunity.consumer import event_handler
from safecommunity.database import utcnow
from safecommunity.gauges import BusinessGauges
from safecommunity.storage import Store
from safecommunity.web import http, paging

from .dependencies import Sending, timer_every
from .domain import moment, notices_for_injury
from .gauges import GAUGES, read_gauges
from .schemas import DeliveryQuerySchema, DeliverySchema
from .sending import observe, send_due
from .storage import NotificationsUnitOfWork

READ, WRITE = "notifications:read", "notifications:write"


class NotificationsService:
    name = "notifications"
    store = Store(NotificationsUnitOfWork)
    caller = Auth()
    sending = Sending()
    gauges = BusinessGauges(read_gauges, *GAUGES)  # notices unacknowledged

    @event_handler("injury.reported")
    def handle_injury_reported(self, events):
        fresh = self.store.inbox.claim(events)
        notices = [notice for event in fresh for notice in
                   notices_for_injury(event.id, event.data, self.sending.office_channels, moment(event.time))]
        self.store.deliveries.add_many(notices)
        self.store.commit()
        for notice in notices:
            if notice.sent_at:  # in-app: delivered as it is stored
                observe(notice)

    @timer_every("NOTIFY_SEND_INTERVAL")
    def send_due_deliveries(self):
        send_due(self.store, self.sending)

    @http("POST", "/api/notifications/deliveries/<delivery_id>/acknowledge", scope=WRITE)
    def acknowledge(self, request, delivery_id):
        notice = self.store.deliveries.get(delivery_id)
        notice.acknowledge(self.caller.subject, utcnow())
        self.store.deliveries.save_acknowledgement(notice)
        self.store.commit()
        return DeliverySchema().dump(notice)

    @http("GET", "/api/notifications/deliveries", scope=READ)
    def list_deliveries(self, request):
        query = DeliveryQuerySchema().load(request.args)
        limit, offset = paging(request)
        notices = self.store.deliveries.list(limit, offset, query.get("recipient"))
        return {"deliveries": DeliverySchema(many=True).dump(notices)}


SERVICE = NotificationsService
