"""The backbone shared by every Safe Community service: event envelope and catalogue,
transactional outbox and inbox, dead letters, storage, HTTP edge, metrics, runner and CLI."""
