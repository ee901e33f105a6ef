"""Registry commands for `safecommunity`: bulk imports (tokens are `safecommunity token`).

    safecommunity registry import residents|units|facilities FILE.csv|FILE.xlsx [--encoding gb18030] [--token TOKEN]

The import writes straight to the registry's database through the registry's own code, its
events into the outbox in the same transactions; a running registry's relay publishes them.
It runs as the caller a token names (--token, else SAFECOMMUNITY_TOKEN, else embedded mode's
admin token), with the scopes the HTTP import needs: residents registry:write and registry:pii,
units and facilities registry:write; without them nothing is read or written.
"""
import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from .importer import IMPORTERS, read_rows, require_import_scopes


def add_commands(commands):
    registry = commands.add_parser("registry", help="registry operations")
    registry_actions = registry.add_subparsers(required=True, metavar="ACTION")
    bulk = registry_actions.add_parser("import", help="import residents, units or facilities from CSV or XLSX")
    bulk.add_argument("kind", choices=sorted(IMPORTERS))
    bulk.add_argument("file", type=Path)
    bulk.add_argument("--errors", type=Path, help="write every row error to this JSON file")
    bulk.add_argument("--encoding", help="a CSV file's encoding: utf-8, gb18030, gbk or gb2312 (default: UTF-8 if "
                                         "the file is UTF-8, with or without a BOM, else GB18030)")
    bulk.add_argument("--token", help="who imports (default: SAFECOMMUNITY_TOKEN, else embedded mode's admin token)")
    bulk.set_defaults(command=cmd_import)


def _engine(args):
    from safecommunity.cli import engine_for
    return engine_for(args, "registry")


def _config(args):
    from safecommunity.runner import platform_config
    return platform_config(data_dir=args.data_dir)


def unit_of_work(args, actor):
    from .pii import protector_for
    from .storage import RegistryUnitOfWork
    protector = protector_for(_config(args))
    return RegistryUnitOfWork(sessionmaker(_engine(args), expire_on_commit=False)(), "registry", protector=protector,
                              actor=actor)


def importing_caller(args):
    """The caller the import runs as, allowed to import this kind; SystemExit (nothing done) otherwise."""
    from safecommunity.errors import InvalidRequest
    from safecommunity.tokens import kept_admin_token

    config = _config(args)
    token = args.token or os.environ.get("SAFECOMMUNITY_TOKEN") or kept_admin_token(config["DATA_DIR"])
    if not token:
        raise SystemExit("the import needs a token: --token or SAFECOMMUNITY_TOKEN (see `safecommunity token issue`)")
    try:
        caller = caller_of(config, token)
        require_import_scopes(caller, args.kind)
    except InvalidRequest as refused:
        raise SystemExit(f"import refused ({refused.status}): {refused}; nothing was imported") from None
    return caller


def caller_of(config, token):
    """Who a token stands for, checked as the HTTP edge checks it: a platform token or an OIDC JWT."""
    from safecommunity.auth import caller_for
    from safecommunity.oidc import OidcVerifier
    from safecommunity.tokenstore import token_store

    tokens = token_store(config)
    try:
        return caller_for(token, tokens, OidcVerifier(config) if config.get("OIDC_ISSUER") else None)
    finally:
        tokens.engine.dispose()


def cmd_import(args):
    from safecommunity.errors import DomainError

    caller = importing_caller(args)
    data = args.file.read_bytes()
    fmt = "xlsx" if args.file.suffix.lower() in (".xlsx", ".xlsm") else "csv"
    try:
        header, rows = read_rows(data, fmt, args.encoding)
    except DomainError as refused:  # the file's own problem: not text, a line too long, no workbook
        raise SystemExit(f"{args.file}: {refused}; nothing was imported") from None
    store = unit_of_work(args, caller.subject)
    bar = ProgressBar(rows.total)
    try:
        report = IMPORTERS[args.kind](store, caller.scopes).run(header, rows, progress=bar.update)
    except DomainError as refused:  # a header without a required column, or a concurrent change
        raise SystemExit(f"\n{args.file}: {refused}") from None
    finally:
        store.close()
    bar.done()
    summary = report.as_dict()
    print(json.dumps({key: summary[key] for key in ("kind", "rows", "counts", "errors_total")}))
    for error in summary["errors"][:20]:
        print(f"row {error['row']}: {error['field']}: {error['message']}", file=sys.stderr)
    if args.errors:
        args.errors.write_text(json.dumps(report.errors, ensure_ascii=False, indent=1))
    return 1 if report.errors else 0


class ProgressBar:
    """A plain text bar on stderr: [#####.....]  52%  520000/1000000 rows  6,120 rows/s"""

    def __init__(self, total, width=30, out=sys.stderr):
        self.total, self.width, self.out = max(total, 1), width, out
        self.started = time.monotonic()

    def update(self, done):
        share = min(done / self.total, 1.0)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        filled = int(share * self.width)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%}  "
                       f"{done}/{self.total} rows  {rate:,.0f} rows/s")
        self.out.flush()

    def done(self):
        self.out.write("\n")
        self.out.flush()
