"""Public warnings: a department's warning becomes a CAP 1.2 alert, kept as issued, served as CAP XML
and in an Atom feed, and told (alert.issued, consumed by this service's own fan-out) to the
subscribers and rules of the grids it names."""
from dataclasses import dataclass

from safecommunity import sitetime
from safecommunity.domain import Aggregate
from safecommunity.errors import FieldInvalid

from .cap import cap_time, to_alert, to_atom

FEED_SIZE = 50  # the newest alerts in the feed
FEED_TITLE = "气象预警 Weather warnings"


@dataclass
class Issued(Aggregate):
    """An alert as the platform tells it: alert.issued, public text only (no contact, no name)."""
    id: str

    @classmethod
    def of(cls, alert, warning):
        issued = cls(alert.identifier)
        issued.record("alert.issued", identifier=alert.identifier, kind=warning.kind, colour=warning.colour,
                      status=warning.status, msg_type=warning.msg_type, grid_codes=list(warning.grids),
                      headline=warning.headline, effective=warning.effective, expires=warning.expires,
                      sent=alert.sent)
        return issued


def issue(store, sender, warning, by, now):
    """The alert for a posted warning: its references checked, its area named, stored and published."""
    known = store.alerts.references(warning.references)
    unknown = [identifier for identifier in warning.references if identifier not in known]
    if unknown:
        raise FieldInvalid("references", f"no alert {', '.join(unknown)} was issued here")
    grid_names = store.directory.grid_names(warning.grids)
    alert = to_alert(warning, sender, sitetime.local(now).replace(microsecond=0), grid_names,
                     [known[identifier] for identifier in warning.references])
    store.alerts.add(alert, warning, grid_names, by)
    store.track(Issued.of(alert, warning))
    store.commit()
    return alert


def feed(store, sender, base_url):
    """The Atom feed of the newest alerts, each entry linking to its CAP document."""
    def url(alert):
        return f"{base_url}/api/notifications/alerts/{alert.identifier}"
    alerts = store.alerts.newest(sender, FEED_SIZE)
    return to_atom(alerts, f"{base_url}/api/notifications/alerts", FEED_TITLE, f"{base_url}/api/notifications/alerts",
                   url)


def answer(alert):
    return {"identifier": alert.identifier, "sent": cap_time(alert.sent),
            "cap": f"/api/notifications/alerts/{alert.identifier}", "feed": "/api/notifications/alerts"}
