from safecommunity.migrate import run_migrations
from services.reports.tables import metadata

run_migrations(metadata)
