"""`safecommunity`: the operator's command line."""
import argparse
import json
import os
import sys
from pathlib import Path


def main(argv=None):
    import eventlet
    eventlet.monkey_patch()  # before anything opens a socket or a database connection

    parser = build_parser()
    args = parser.parse_args(argv)
    from . import logs, sitetime
    from .config import from_environ
    logs.configure(os.environ.get("LOG_LEVEL", "INFO"), json_lines=os.environ.get("LOG_FORMAT") != "text")
    sitetime.configure(from_environ())
    return args.command(args) or 0


def build_parser():
    from .backup import REPUBLISH_MINUTES
    from .config import SERVICES

    parser = argparse.ArgumentParser(prog="safecommunity", description=__doc__)
    parser.add_argument("--data-dir", help=DATA_DIR_HELP)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    take_whole_command_options(commands)

    run = commands.add_parser("run", help="run the platform (all services) or some services")
    run.add_argument("--service", action="append", choices=SERVICES, help="run only this service")
    run.add_argument("--port", type=int, help="the port to listen on (default: WEB_SERVER_ADDRESS's, 8000)")
    run.add_argument("--host", help="the address to listen on (embedded mode: 127.0.0.1; else 0.0.0.0)")
    run.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    run.set_defaults(command=cmd_run)

    migrate = commands.add_parser("migrate", help="apply database migrations and declare the broker's queues")
    migrate.add_argument("--service", action="append", choices=SERVICES)
    migrate.set_defaults(command=cmd_migrate)

    dead = commands.add_parser("dead-letters", help="list, show and replay dead letters")
    dead_commands = dead.add_subparsers(required=True, metavar="ACTION")
    listing = dead_commands.add_parser("list")
    listing.add_argument("--service", action="append", choices=SERVICES)
    listing.add_argument("--status", action="append", choices=("dead", "rejected", "retrying", "resolved"))
    listing.set_defaults(command=cmd_dead_letters_list)
    for action, handler in (("show", cmd_dead_letters_show), ("replay", cmd_dead_letters_replay)):
        sub = dead_commands.add_parser(action)
        sub.add_argument("service", choices=SERVICES)
        sub.add_argument("id", type=int)
        sub.set_defaults(command=handler)

    scaffold = commands.add_parser("new-service", help="write a working new service in services/NAME/")
    scaffold.add_argument("name", help="2-30 lower-case letters and digits: its folder, queue, database, URL prefix")
    scaffold.add_argument("--summary", help="one line saying what it is for")
    scaffold.set_defaults(command=cmd_new_service)

    making = commands.add_parser("makemigration", help="write a service's next migration from its tables")
    making.add_argument("service", choices=SERVICES)
    making.add_argument("-m", "--message", required=True, help="what it changes, a few words")
    making.set_defaults(command=cmd_make_migration)

    backup = commands.add_parser("backup", help="copy every database (embedded: and the keys) into DIR, online")
    backup.add_argument("directory", metavar="DIR", help="a new or empty folder")
    backup.set_defaults(command=cmd_backup)
    restore = commands.add_parser("restore", help="restore a backup from DIR (stop the platform first)")
    restore.add_argument("directory", metavar="DIR")
    restore.add_argument("--force", action="store_true", help="replace a data folder or databases that are not empty")
    restore.add_argument("--republish-minutes", type=float, default=REPUBLISH_MINUTES, metavar="M",
                         help="publish again the events published from M minutes before the backup began "
                              f"(default {REPUBLISH_MINUTES:g}: cover the slowest consumer's lag then)")
    restore.set_defaults(command=cmd_restore)

    catalogue = commands.add_parser("catalogue", help="print the event catalogue as a Markdown table")
    catalogue.set_defaults(command=cmd_catalogue)

    deployfiles = commands.add_parser("deployfiles", help="write the deployment files' per-service lines "
                                      "(docker-compose.yml, deploy/) from the services found")
    deployfiles.add_argument("--check", action="store_true", help="write nothing; exit 1 listing the files that differ")
    deployfiles.add_argument("--root", default=".", help="the repository's folder (default: the current one)")
    deployfiles.set_defaults(command=cmd_deployfiles)

    seed = commands.add_parser("seed", help="load a small demo district into a running platform")
    seed.add_argument("--url", default="http://127.0.0.1:8000")
    seed.add_argument("--token", help="an admin token (default: SAFECOMMUNITY_TOKEN, else embedded mode's own)")
    seed.set_defaults(command=cmd_seed)

    from . import tokens
    for module in [tokens] + service_cli_modules():
        module.add_commands(commands)
    return parser


DATA_DIR_HELP = "embedded mode's folder of SQLite files (default ./data)"


def take_whole_command_options(commands):
    """Options of the whole command (--data-dir) are taken after any subcommand too, nested ones and
    the services' own included: `safecommunity run --data-dir X` as well as `safecommunity --data-dir X run`."""
    whole = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand not given the option leaves what the whole command was given
    whole.add_argument("--data-dir", default=argparse.SUPPRESS, help=DATA_DIR_HELP)
    add_parser = commands.add_parser

    def add_parser_taking_them(*args, parents=(), **kwargs):
        sub = add_parser(*args, parents=[whole, *parents], **kwargs)
        add_subparsers = sub.add_subparsers
        sub.add_subparsers = lambda **options: take_whole_command_options(add_subparsers(**options))
        return sub

    commands.add_parser = add_parser_taking_them
    return commands


def service_cli_modules():
    """A service may add its own commands (imports, say) in services/<name>/cli.py:
    `add_commands(subparsers)`, each command's handler taking (args) like the ones here."""
    import importlib

    from .config import SERVICES
    modules = []
    for name in SERVICES:
        try:
            modules.append(importlib.import_module(f"services.{name}.cli"))
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{name}.cli":
                raise
    return modules


def _config(args, **overrides):
    from .runner import platform_config
    return platform_config(data_dir=args.data_dir, **overrides)


def engine_for(args, service):
    """The service's database engine, in whichever mode the environment says (service CLIs use it)."""
    from .config import database_url
    from .database import make_engine
    return make_engine(database_url(_config(args), service))


def cmd_run(args):
    from .config import SERVICES
    from .runner import platform_config, run
    config = platform_config(port=args.port, data_dir=args.data_dir, host=args.host)
    run(config, args.service or list(SERVICES), run_migrations=not args.no_migrate)


def cmd_migrate(args):
    from .config import SERVICES
    from .runner import declare_broker, migrate_all
    config, names = _config(args), args.service or list(SERVICES)
    migrate_all(config, names)
    declare_broker(config, names)


def cmd_new_service(args):
    from .scaffold import ScaffoldRefused, new_service
    try:
        written = new_service(Path.cwd(), args.name, args.summary)
    except ScaffoldRefused as exc:
        raise SystemExit(f"new-service: {exc}") from None
    print(f"wrote {len(written)} files in services/{args.name}/; try it: safecommunity run, then "
          f".venv/bin/python -m pytest services/{args.name}")


def cmd_make_migration(args):
    from .migrate import make_migration
    print(f"wrote {make_migration(args.service, args.message)}: read it before committing")


def _dead_letters(args, service):
    from .deadletters import DeadLetters
    return DeadLetters(engine_for(args, service))


def cmd_dead_letters_list(args):
    from .config import SERVICES
    from .deadletters import DEAD, REJECTED, RETRYING
    statuses = args.status or (DEAD, REJECTED, RETRYING)
    for service in args.service or SERVICES:
        for row in _dead_letters(args, service).list(statuses):
            print(f"{service:<14}{row['id']:>6}  {row['status']:<9}{row['attempts']:>3}  "
                  f"{row['event_type'] or '?':<22}{row['consumer']:<40}{row['reason'][:60]}")


def cmd_dead_letters_show(args):
    print(json.dumps(_dead_letters(args, args.service).get(args.id), indent=2, ensure_ascii=False))


def cmd_dead_letters_replay(args):
    _dead_letters(args, args.service).replay(args.id)
    print(f"dead letter {args.id} of {args.service} handed back to its consumer")


def cmd_backup(args):
    from .backup import BackupError, backup
    try:
        manifest = backup(_config(args), args.directory)
    except BackupError as exc:
        raise SystemExit(f"backup failed: {exc}") from None
    size = sum(entry["size"] for entry in manifest["files"]) / 1e6
    print(f"backed up {len(manifest['databases'])} databases ({manifest['mode']} mode, {size:.1f} MB, "
          f"{len(manifest['files'])} files) into {args.directory}")
    if manifest["mode"] == "distributed":
        print("PII_KEY and PII_HASH_KEY are not in it: keep them, apart from it; without them the "
              "registry's ID numbers and phones cannot be read")


def cmd_restore(args):
    from .backup import BackupError, restore
    try:
        manifest, republished = restore(_config(args), args.directory, args.force, args.republish_minutes)
    except BackupError as exc:
        raise SystemExit(f"restore failed: {exc}") from None
    print(f"restored the backup of {manifest['started_at']} ({manifest['mode']} mode); {republished} events "
          f"will be published again when the services start")
    print("next: safecommunity run (it migrates first)" if manifest["mode"] == "embedded" else
          "next: safecommunity migrate, then start the services")


def cmd_catalogue(args):
    from .catalogue import as_markdown
    print(as_markdown())


def cmd_deployfiles(args):
    from .catalogue import CATALOGUE
    from .config import SERVICES
    from .deployfiles import RegionMissing, update
    try:
        differing = update(args.root, SERVICES, CATALOGUE, check=args.check)
    except (OSError, RegionMissing) as exc:  # not the repository's folder, or a file lost its markers
        raise SystemExit(f"deployfiles: {exc}") from None
    for path in differing:
        print(f"{path} {'differs from what safecommunity deployfiles writes' if args.check else 'written'}")
    return 1 if args.check and differing else 0


def cmd_seed(args):
    from .seed import seed_demo_district
    from .tokens import kept_admin_token
    token = args.token or os.environ.get("SAFECOMMUNITY_TOKEN") or kept_admin_token(_config(args)["DATA_DIR"])
    if not token:
        raise SystemExit("seed needs an admin token: --token, SAFECOMMUNITY_TOKEN, or run embedded mode once")
    seed_demo_district(args.url, token=token, out=sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
