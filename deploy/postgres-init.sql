-- One database per service: each service owns its data and never reads another's tables.
-- The postgres image runs this once, on first start with an empty data volume, as POSTGRES_USER,
-- so that user owns every database: one per service (written by `safecommunity deployfiles`) and
-- the access store. To re-run it, remove the volume (docker compose down -v).
-- BEGIN generated: services (`safecommunity deployfiles` writes it; do not edit by hand)
CREATE DATABASE safecommunity_registry;
CREATE DATABASE safecommunity_incidents;
CREATE DATABASE safecommunity_projects;
CREATE DATABASE safecommunity_notifications;
CREATE DATABASE safecommunity_reports;
-- END generated: services
-- the access store: platform tokens, checked by every service (safecommunity/auth.py)
CREATE DATABASE safecommunity_access;
