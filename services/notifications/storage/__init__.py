"""Notifications' storage: the only place with queries. Tables in tables.py; one repository per
area; the unit of work gives each to the service."""
from safecommunity.storage import UnitOfWork

from .alerts import AlertLog
from .deadletters import DeadDeliveries
from .deliveries import DeliveryLog
from .digests import DigestBook
from .directory import Directory
from .escalations import EscalationLog
from .subscriptions import AddressBook, Logins, SubscriptionBook
from .tables import deliveries, metadata

__all__ = ["NotificationsUnitOfWork", "deliveries", "metadata"]


class NotificationsUnitOfWork(UnitOfWork):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deliveries = DeliveryLog(self)
        self.directory = Directory(self)
        self.subscriptions = SubscriptionBook(self)
        self.escalations = EscalationLog(self)
        self.alerts = AlertLog(self)
        self.digests = DigestBook(self)
        self.logins = Logins(self)
        self.dead_deliveries = DeadDeliveries(self)

    def contacts(self, sealer):
        """The address book, sealed with contacts.py's Sealer (the Sending dependency holds it)."""
        return AddressBook(self, sealer)
