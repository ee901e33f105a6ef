from safecommunity.migrate import run_migrations
from services.notifications.storage import metadata

run_migrations(metadata)
