"""`safecommunity rebuild`: reports' read models made again from the events it kept (its journal)."""


def add_commands(subparsers):
    rebuild = subparsers.add_parser("rebuild", help="rebuild reports' read models by replaying the kept events")
    rebuild.add_argument("service", nargs="?", default="reports", choices=("reports",))
    rebuild.set_defaults(command=cmd_rebuild)


def cmd_rebuild(args):
    from safecommunity.cli import engine_for

    from .storage import rebuild_read_models
    count = rebuild_read_models(engine_for(args, args.service))
    print(f"rebuilt {args.service}'s read models from {count} kept events")
