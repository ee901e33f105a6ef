"""The deployment files' per-service lines (and the README's tables of events and scopes),
generated from the discovered services.

Each file keeps its hand-written parts; what lists the services sits between two marker lines,
`# BEGIN generated: <region>` and `# END generated: <region>` (`--` in SQL), and is written here
from the service names and the catalogue (who consumes events). `safecommunity deployfiles`
writes them; `--check` (and tests/unit/test_deployfiles.py) fails when a committed file differs.
The gateway (deploy/nginx.conf) routes /api/<name>/ by name and needs no list at all.
"""
import re
import textwrap
from pathlib import Path

from .discovery import Deployment, discover

EVENTS_QUEUE_LENGTH = 500  # messages of up to 20 events: a few seconds of backlog per replica


def deployment(name):
    """What sets the service's deployment apart (its manifest's `deployment`); defaults for a name
    no manifest has."""
    return {manifest.name: manifest.deployment for manifest in discover()}.get(name, Deployment())


def consumers(catalogue):
    """The services that consume events: they scale on their queues too."""
    return {consumer for spec in catalogue.values() for consumer in spec.consumers}


def indented(text, spaces):
    return textwrap.indent(text, " " * spaces)


def compose_services(names, catalogue):
    blocks = [f'  {name}:\n    <<: *service\n    command: ["safecommunity", "run", "--service", "{name}", '
              f'"--port", "8080", "--no-migrate"]\n' + indented(deployment(name).compose, 4) for name in names]
    return "\n".join(blocks)


def scrape_names(names, catalogue):
    return f"      - names: [{', '.join(names)}]\n"


def databases(names, catalogue):
    return "".join(f"CREATE DATABASE safecommunity_{name};\n" for name in names)


def absent_services(names, catalogue):
    terms = "".join(f'  or absent(up{{job="safecommunity", service="{name}"}})\n' for name in names)
    return '        expr: |\n          sum by (service) (up{job="safecommunity"}) == 0\n' + indented(terms, 8)


def up_but(left_out, values):
    """Alert tests' input: every service up, one replica each, but `left_out` (the test's own lines)."""
    def region(names, catalogue):
        return "".join(f"      - series: 'up{{job=\"safecommunity\", service=\"{name}\", instance=\"{name}-1\"}}'\n"
                       f"        values: '{values}'\n" for name in names if name != left_out)
    return region


def files():
    """path: {region: its lines from (names, catalogue)}."""
    from . import deployk8s as k8s  # its objects are made from the table above
    return {
        "docker-compose.yml": {"services": compose_services},
        "deploy/prometheus.yml": {"services": scrape_names},
        "deploy/postgres-init.sql": {"services": databases},
        "deploy/alert-rules.yml": {"services": absent_services},
        "deploy/alert-rules.test.yml": {"up-but-registry": up_but("registry", "1x12"),
                                        "up-but-reports": up_but("reports", "1x10"),
                                        "up-but-incidents": up_but("incidents", "1x12")},
        **{f"deploy/k8s/{path}": {"services": region} for path, region in k8s.FILES.items()},
        "README.md": {"catalogue": readme_catalogue, "scopes": readme_scopes},
    }


def readme_catalogue(names, catalogue):
    from .catalogue import as_markdown
    return as_markdown() + "\n"


def readme_scopes(names, catalogue):
    from .scopes import as_markdown
    return as_markdown() + "\n"


REGION = re.compile(r"^(?P<begin>[ \t]*(?P<mark>#|--|<!--) BEGIN generated: (?P<name>[\w-]+)[^\n]*\n)"
                    r"(?P<body>.*?)"
                    r"(?P<end>^[ \t]*(?P=mark) END generated: (?P=name)\b[^\n]*\n)", re.M | re.S)


class RegionMissing(ValueError):
    pass


def render(path, text, names, catalogue):
    """`text` (a file's current content) with each of its generated regions written anew."""
    regions, seen = files()[path], set()

    def fill(match):
        seen.add(match["name"])
        if match["name"] not in regions:
            raise RegionMissing(f"{path}: no generator for the region {match['name']!r}")
        return match["begin"] + regions[match["name"]](names, catalogue) + match["end"]

    rendered = REGION.sub(fill, text)
    if set(regions) - seen:
        raise RegionMissing(f"{path} lost its marker lines for {sorted(set(regions) - seen)}")
    return rendered


def rendered(current, names, catalogue):
    """Every generated file's text, from `current` (path: its text now)."""
    return {path: render(path, current[path], names, catalogue) for path in files()}


def update(root, names, catalogue, check=False):
    """Write the files under `root` (or, with check, only compare): the paths that differed."""
    root = Path(root)
    current = {path: (root / path).read_text(encoding="utf-8") for path in files()}
    new = rendered(current, names, catalogue)
    differing = [path for path in new if new[path] != current[path]]
    for path in [] if check else differing:
        (root / path).write_text(new[path], encoding="utf-8")
    return differing
