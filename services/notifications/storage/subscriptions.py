"""Subscriptions made over HTTP (the site's rules are data: rules.py) and the address book."""
import json

from sqlalchemy import delete, insert, select

from safecommunity.database import as_utc, utcnow
from safecommunity.errors import NotFound

from ..subscriptions import Subscription
from .tables import contacts, logins, subscriptions


class SubscriptionBook:
    def __init__(self, uow):
        self.uow = uow

    def add(self, subscription):
        self.uow.session.execute(insert(subscriptions).values(
            id=subscription.id, recipient=subscription.recipient, event_type=subscription.event_type,
            filter=json.dumps(subscription.filter), channels=json.dumps(list(subscription.channels)),
            frequency=subscription.frequency, hour=subscription.hour, weekday=subscription.weekday,
            created_at=subscription.created_at, created_by=subscription.created_by))
        self.uow.track(subscription)

    def for_event(self, event_type):
        return self._found(select(subscriptions).where(subscriptions.c.event_type == event_type))

    def list(self, limit, offset, recipient=None):
        query = select(subscriptions).order_by(subscriptions.c.created_at, subscriptions.c.id)
        if recipient:
            query = query.where(subscriptions.c.recipient == recipient)
        return self._found(query.limit(limit).offset(offset))

    def remove(self, subscription_id):
        if not self.uow.session.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id)).rowcount:
            raise NotFound(f"no subscription {subscription_id}")

    def _found(self, query):
        found = []
        for row in self.uow.session.execute(query):
            subscription = Subscription.subscribe(row.recipient, row.event_type, json.loads(row.channels),
                                                  json.loads(row.filter), row.frequency, row.hour, row.weekday,
                                                  row.created_by)
            subscription.id = subscription.name = row.id
            subscription.created_at = as_utc(row.created_at)
            found.append(subscription)
        return found


CHUNK = 500  # recipients per query: well under SQLite's limit on bound parameters


class AddressBook:
    """Each recipient's address per channel, sealed with the contacts key (contacts.py)."""

    def __init__(self, uow, sealer):
        self.uow, self.sealer = uow, sealer

    def set(self, recipient, addresses, by):
        """addresses: {channel: address, or None to remove it}."""
        session = self.uow.session
        for channel, address in addresses.items():
            session.execute(delete(contacts).where(contacts.c.recipient == recipient, contacts.c.channel == channel))
            if address:
                session.execute(insert(contacts).values(recipient=recipient, channel=channel, updated_by=by,
                                                        address_sealed=self.sealer.seal(address), updated_at=utcnow()))

    def of(self, recipient):
        rows = self.uow.session.execute(select(contacts.c.channel, contacts.c.address_sealed)
                                        .where(contacts.c.recipient == recipient))
        return {channel: self.sealer.open(sealed) for channel, sealed in rows}

    def many(self, pairs):
        """{(recipient, channel): address} for those of the pairs with one: a query per 500
        recipients, and only the addresses asked for opened."""
        wanted, found = set(pairs), {}
        recipients = sorted({recipient for recipient, _ in wanted})
        for start in range(0, len(recipients), CHUNK):
            rows = self.uow.session.execute(select(contacts.c.recipient, contacts.c.channel, contacts.c.address_sealed)
                                            .where(contacts.c.recipient.in_(recipients[start:start + CHUNK])))
            for recipient, channel, sealed in rows:
                if (recipient, channel) in wanted:
                    address = self.sealer.open(sealed)
                    if address:
                        found[recipient, channel] = address
        return found


class Logins:
    """Whose inbox a caller opens: a token's subject -> the recipient keys it reads as."""

    def __init__(self, uow):
        self.uow = uow

    def set(self, recipient, subjects, by):
        session = self.uow.session
        session.execute(delete(logins).where(logins.c.recipient == recipient))
        if subjects:
            session.execute(insert(logins), [{"subject": subject, "recipient": recipient, "updated_at": utcnow(),
                                              "updated_by": by} for subject in subjects])

    def of(self, recipient):
        return sorted(self.uow.session.scalars(select(logins.c.subject).where(logins.c.recipient == recipient)))

    def recipients(self, subject):
        return sorted(self.uow.session.scalars(select(logins.c.recipient).where(logins.c.subject == subject)))
