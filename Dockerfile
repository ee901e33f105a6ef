# Safe Community Platform: one image for every service and for the all-in-one mode.
#
#   docker build -t safecommunity .
#   docker run -p 8000:8000 -v safecommunity-data:/data safecommunity      # embedded, SQLite in /data
#
# docker-compose.yml runs the same image once per service with
# `safecommunity run --service NAME --port 8080` (distributed mode, RabbitMQ + PostgreSQL).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A Chinese TrueType font for the PDF reports (reports embeds it; see services/reports/render.py),
# and PostgreSQL's client programs for `safecommunity backup` and `restore` (pg_dump, pg_restore;
# Debian bookworm's are 15, as compose's server).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, in their own layer, so a code change does not reinstall them.
# No compiler in the image: the compiled dependencies (psycopg2-binary, psutil, PyYAML)
# install from prebuilt wheels.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# Then the package itself (pyproject.toml reads requirements.txt, hence --no-deps).
COPY . .
RUN pip install --no-deps .

# Run as an unprivileged user. /data holds the embedded mode's SQLite files; a named volume
# mounted there inherits this ownership the first time it is used.
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home app \
    && mkdir -p /data/attachments \
    && chown -R app:app /data
USER app

# Embedded mode keeps one SQLite file per service in this folder (default ./data).
# Distributed deployments set AMQP_URI and DATABASE_URL instead; then this is unused.
ENV SAFECOMMUNITY_DATA=/data

EXPOSE 8000

# Only meaningful for the default command; compose sets its own check per service (port 8080).
# python instead of curl: the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]

# Embedded all-in-one mode (in-process broker, SQLite) on port 8000.
CMD ["safecommunity", "run"]
