"""Public alerts as issued: the CAP document served as it was written, and what rebuilds the alert
for the Atom feed (the warning, its area's names and its references)."""
import json
from dataclasses import asdict
from datetime import datetime, timezone

from sqlalchemy import insert, select

from safecommunity import sitetime
from safecommunity.database import as_utc
from safecommunity.errors import NotFound

from ..cap import Reference, Sender, to_alert, to_cap_xml
from ..warnings import WeatherWarning
from .tables import alerts

TIMES = ("effective", "expires")


class AlertLog:
    def __init__(self, uow):
        self.uow = uow

    def add(self, alert, warning, grid_names, by):
        values = {**asdict(warning), **{name: getattr(warning, name).isoformat() for name in TIMES}}
        xml = to_cap_xml(alert).decode("utf-8")
        self.uow.session.execute(insert(alerts).values(
            # sent in UTC: SQLite would keep a +08:00 time's wall clock and drop its offset
            identifier=alert.identifier, sender=alert.sender, sent=alert.sent.astimezone(timezone.utc),
            warning=json.dumps(values),
            grid_names=json.dumps(grid_names, ensure_ascii=False), cap_xml=xml, created_by=by,
            references=json.dumps([[r.sender, r.identifier, r.sent.isoformat()] for r in alert.references])))
        return xml

    def cap_xml(self, identifier):
        xml = self.uow.session.scalar(select(alerts.c.cap_xml).where(alerts.c.identifier == identifier))
        if xml is None:
            raise NotFound(f"no alert {identifier}")
        return xml

    def references(self, identifiers):
        """identifier -> Reference for those of the identifiers issued here."""
        rows = self.uow.session.execute(select(alerts.c.identifier, alerts.c.sender, alerts.c.sent)
                                        .where(alerts.c.identifier.in_(identifiers)))
        return {row.identifier: Reference(row.sender, row.identifier, sitetime.local(as_utc(row.sent)))
                for row in rows}

    def newest(self, sender, limit):
        """The newest alerts as cap.Alert, for the feed (sender: cap.Sender, for the names)."""
        query = select(alerts).order_by(alerts.c.sent.desc(), alerts.c.identifier).limit(limit)
        return [self._alert(row, sender) for row in self.uow.session.execute(query)]

    @staticmethod
    def _alert(row, sender):
        values = json.loads(row.warning)
        warning = WeatherWarning(**{**values, **{name: datetime.fromisoformat(values[name]) for name in TIMES},
                                    "grids": tuple(values["grids"]), "references": tuple(values["references"])})
        references = [Reference(s, i, datetime.fromisoformat(t)) for s, i, t in json.loads(row.references)]
        as_sent = Sender(row.sender, sender.name_zh, sender.name_en)  # the sender it was issued by
        return to_alert(warning, as_sent, sitetime.local(as_utc(row.sent)), json.loads(row.grid_names), references,
                        row.identifier)
