"""`safecommunity incidents import-injuries FILE --source X`: a hospital's CSV export through the
same intake as HTTP and AMQP (validation, de-duplication, amendments, events in the outbox in the
same transaction), in batches, with a progress bar and a row-level error report.

The CSV has a header row naming card fields (source and external_id as in the API; `source` may
be left out and is then --source). Coded fields may hold our codes or the card's numbers; times
without an offset are read in --timezone (default: the site's, SITE_TIMEZONE). The file is read
in UTF-8 (with or without a BOM) or GB18030, or as --encoding says; a file that is not text, has an
over-long line, an invalid character or a column that is no card field is refused whole (exit 2,
nothing imported). The running incidents service's outbox relay publishes the events (its poll
interval after the import's commits)."""
import csv
import io
import sys
import time
import zlib
from datetime import timedelta

import eventlet
import eventlet.queue

from safecommunity.errors import InvalidRequest

from .csvfile import EXTRA, card_from_row, read_export, zone_of  # noqa: F401 - card_from_row for callers

FILE_REFUSED = 2  # exit status: nothing imported (1: some rows refused)


def add_commands(subparsers):
    incidents = subparsers.add_parser("incidents", help="incidents: import injury cases from CSV")
    actions = incidents.add_subparsers(required=True, metavar="ACTION")
    imports = actions.add_parser("import-injuries", help="import a hospital's CSV export of injury cards")
    imports.add_argument("file")
    imports.add_argument("--source", required=True, help="the reporting institution (de-duplication key)")
    imports.add_argument("--errors", help="row-level error report, CSV (default FILE.errors.csv)")
    imports.add_argument("--timezone", help="offset (+08:00) or zone name of times written without an offset "
                                            "(default: the site's, SITE_TIMEZONE)")
    imports.add_argument("--encoding", help="the file's encoding: utf-8 or gb18030 (default: found from the file)")
    imports.add_argument("--batch", type=int, default=1000, help="cards per transaction (default 1000)")
    imports.add_argument("--lanes", type=int, default=2,
                         help="batches in flight at once, on as many connections (default 2)")
    imports.set_defaults(command=cmd_import_injuries)


def cmd_import_injuries(args):
    from safecommunity.cli import engine_for
    try:
        zone = zone_of(args.timezone)
        text = read_export(args.file, args.encoding)
    except (InvalidRequest, OSError) as exc:
        print(f"{args.file}: {exc}; nothing imported", file=sys.stderr)
        return FILE_REFUSED
    engine = engine_for(args, "incidents")
    errors_path = args.errors or f"{args.file}.errors.csv"
    totals = import_file(engine, text, args.source, zone, errors_path, args.batch, sys.stderr, args.lanes)
    print(f"{totals['rows']:,} rows: {totals['created']:,} created, {totals['amended']:,} amended, "
          f"{totals['duplicate']:,} duplicate, {totals['rejected']:,} rejected"
          + (f" (reasons in {errors_path})" if totals["rejected"] else ""))
    return 1 if totals["rejected"] else 0


def import_file(engine, text, source, zone, errors_path, batch_size, out, lanes=2):
    """Cards go to `lanes` lanes by their (source, external_id), so every record's rows stay in one
    lane, in file order; each lane takes in its batches on its own connection. While one lane waits
    for PostgreSQL, another validates: one lane left the process waiting about half the time."""
    from .intake import STATUSES

    if engine.dialect.name == "sqlite":
        lanes = 1  # one writer at a time there: a second lane would only queue
    totals = dict.fromkeys(("rows",) + STATUSES, 0)
    progress = Progress(max(text.count("\n") + (not text.endswith("\n")) - 1, 0), out)
    with open(errors_path, "w", newline="", encoding="utf-8") as report:
        errors = csv.writer(report)
        errors.writerow(["line", "external_id", "field", "reason"])

        def record(batch, results):
            for (line, card), result in zip(batch, results, strict=True):
                totals[result["status"]] += 1
                for field, reasons in result.get("errors", {}).items():
                    for reason in reasons if isinstance(reasons, list) else [reasons]:
                        errors.writerow([line, card.get("external_id"), field, reason])
            totals["rows"] += len(batch)
            progress.show(totals["rows"])

        workers = [Lane(engine, batch_size, record) for _ in range(max(lanes, 1))]
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""), restkey=EXTRA)
            for row in reader:
                line = reader.line_num  # the file's line where the row ends (line 1 is the header)
                card = card_from_row(row, source, zone)
                workers[_lane_of(card, line, len(workers))].add(line, card)
        finally:
            stopped = [exc for exc in [lane.finish() for lane in workers] if exc is not None]
        if stopped:
            raise stopped[0]
    progress.done()
    return totals


def _lane_of(card, line, lanes):
    key = card.get("external_id")
    if key is None:  # rejected for it; no record to keep in order
        return line % lanes
    return zlib.crc32(f"{card.get('source')}\x1f{key}".encode()) % lanes


class Lane:
    """One greenthread taking in its batches, in order, one transaction each."""

    def __init__(self, engine, batch_size, record):
        self.engine, self.batch_size, self.record = engine, batch_size, record
        self.batch = []
        self.queue = eventlet.queue.LightQueue(maxsize=1)  # the reader waits while the lane is a batch behind
        self.thread = eventlet.spawn(self._take_in_batches)

    def add(self, line, card):
        self.batch.append((line, card))
        if len(self.batch) >= self.batch_size:
            self._hand_over(self.batch)
            self.batch = []

    def finish(self):
        """Hand over the last batch and wait for the lane; returns what stopped it early, if anything."""
        try:
            if self.batch:
                self._hand_over(self.batch)
            self._hand_over(None)
            self.thread.wait()
        except Exception as exc:  # the caller raises it once every lane has finished
            return exc
        return None

    def _hand_over(self, batch):
        while True:
            if self.thread.dead:
                self.thread.wait()  # raises why the lane stopped
            try:
                return self.queue.put(batch, timeout=1)
            except eventlet.queue.Full:
                continue

    def _take_in_batches(self):
        from .intake import take_in
        from .storage import IncidentsUnitOfWork

        while (batch := self.queue.get()) is not None:
            uow = IncidentsUnitOfWork(self.engine.connect(), "incidents")  # as the Store gives it one
            try:
                results = take_in(uow, [card for _, card in batch], channel="csv")
                uow.commit()
            finally:
                uow.close()
            self.record(batch, results)


class Progress:
    """[#####.....]  45%  450,000/1,000,000 rows  3,210 rows/s  ETA 2m51s, on one line of stderr."""

    def __init__(self, total, out, width=30):
        self.total, self.out, self.width = max(total, 1), out, width
        self.started = time.monotonic()

    def show(self, done):
        share = min(done / self.total, 1.0)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        eta = timedelta(seconds=int((self.total - done) / rate)) if rate else "?"
        bar = "#" * int(share * self.width)
        self.out.write(f"\r[{bar:<{self.width}}] {share:4.0%}  {done:,}/{self.total:,} rows  "
                       f"{rate:,.0f} rows/s  ETA {eta}   ")
        self.out.flush()

    def done(self):
        self.out.write("\n")

