"""Structured logs: one JSON object per line, so a log shipper can index them."""
import json
import logging
import sys


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        for key in ("service", "event_id", "correlation_id", "request_id", "subject", "method", "route", "status",
                    "duration_ms", "actor", "correlation_ids"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level="INFO", json_lines=True):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("nameko").setLevel("WARNING")
    logging.getLogger("alembic").setLevel("WARNING")
    # nameko logs a worker's expected exceptions (bad input) with a traceback; the HTTP edge
    # already logs the unexpected ones.
    logging.getLogger("nameko.containers").setLevel("ERROR")
