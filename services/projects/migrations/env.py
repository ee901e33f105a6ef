from safecommunity.migrate import run_migrations
from services.projects.storage import metadata

run_migrations(metadata)
