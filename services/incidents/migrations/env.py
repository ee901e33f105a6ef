from safecommunity.migrate import run_migrations
from services.incidents.storage import metadata

run_migrations(metadata)
