from safecommunity.migrate import run_migrations
from services.reports.storage import metadata

run_migrations(metadata)
