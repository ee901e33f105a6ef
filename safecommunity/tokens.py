"""Platform tokens for operators: `safecommunity token issue|list|revoke|scopes`, the admin HTTP
API (`/api/access/tokens`, scope `admin`), and embedded mode's first admin token."""
import os
import sys
from pathlib import Path

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from .auth import ANY_SOURCE, SYSTEM, Unauthorized
from .errors import NotFound
from .scopes import AGGREGATES, KINDS, PUBLIC, SCOPES, as_markdown, known
from .tokenstore import TOKEN_DAYS, token_store

ADMIN_TOKEN_FILE = "admin-token"  # embedded mode keeps its first admin token here, readable by its owner only
EVERY_SCOPE = sorted(set(SCOPES) - {PUBLIC, AGGREGATES})


class IssueTokenSchema(Schema):
    class Meta:
        unknown = RAISE

    subject = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(load_default="person", validate=validate.OneOf(KINDS))
    scopes = fields.List(fields.String(validate=validate.Length(max=80)), required=True,
                         validate=validate.Length(min=1, max=50))
    sources = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list,
                          validate=validate.Length(max=50))
    days = fields.Integer(load_default=TOKEN_DAYS, allow_none=True, validate=validate.Range(min=1, max=3650))
    note = fields.String(load_default=None, validate=validate.Length(max=500))

    @validates("scopes")
    def _known(self, value, **_kwargs):
        unknown = sorted(scope for scope in value if not known(scope))
        if unknown:
            raise ValidationError(f"unknown scope(s) {', '.join(unknown)}; see GET /api/access/scopes")


# -- the admin HTTP API, served beside the operator routes (ops.py) ------------------------------------

def issue_over_http(tokens, caller, body):
    command = IssueTokenSchema().load(body)
    token, record = tokens.issue(**command, issued_by=caller.subject)
    return {**record, "token": token, "shown_once": True}


def revoke_over_http(tokens, token_id):
    if not tokens.revoke(token_id=token_id):
        raise NotFound(f"no live token {token_id}")
    return {"revoked": token_id}


def scope_table():
    return {"scopes": [{"scope": scope, "en": english, "zh": chinese} for scope, (english, chinese) in SCOPES.items()]}


# -- embedded mode: an admin token on first run, as notebook servers do ----------------------------------

def ensure_admin_token(config, data_dir):
    """The token kept in data_dir, issued (and printed, this once) when there is none that works."""
    path = Path(data_dir) / ADMIN_TOKEN_FILE
    tokens = token_store(config)
    try:
        if path.exists():
            kept = path.read_text().strip()
            try:
                tokens.caller(kept)
                return kept, False
            except Unauthorized:
                pass  # expired or revoked: a new one
        token, _ = tokens.issue("admin", EVERY_SCOPE, kind="person", sources=[ANY_SOURCE],
                                issued_by=SYSTEM, note="embedded mode's first admin token")
    finally:
        tokens.engine.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token + "\n")
    return token, True


def kept_admin_token(data_dir):
    path = Path(data_dir) / ADMIN_TOKEN_FILE
    return path.read_text().strip() if path.exists() else None


# -- the command line -----------------------------------------------------------------------------------

def add_commands(commands):
    token = commands.add_parser("token", help="issue, list and revoke platform tokens (stored hashed)")
    actions = token.add_subparsers(required=True, metavar="ACTION")
    issue = actions.add_parser("issue", help="issue a token; it is printed once")
    issue.add_argument("--subject", required=True, help="who it is for: a department, a person in a role, a machine")
    issue.add_argument("--kind", choices=KINDS, default="person")
    issue.add_argument("--scope", action="append", required=True, help="see `safecommunity token scopes`")
    issue.add_argument("--source", action="append", default=[],
                       help="a source this department reports as (repeat; '*' for any)")
    issue.add_argument("--days", type=int, default=TOKEN_DAYS, help=f"expires after this many days ({TOKEN_DAYS})")
    issue.add_argument("--never-expires", action="store_true", help="no expiry (a machine's, say)")
    issue.add_argument("--note")
    issue.set_defaults(command=cmd_issue)
    listing = actions.add_parser("list", help="the live tokens (never the tokens themselves)")
    listing.add_argument("--subject")
    listing.add_argument("--all", action="store_true", help="revoked ones too")
    listing.set_defaults(command=cmd_list)
    revoke = actions.add_parser("revoke", help="revoke a token by id, or every token of a subject")
    target = revoke.add_mutually_exclusive_group(required=True)
    target.add_argument("--id")
    target.add_argument("--subject")
    revoke.set_defaults(command=cmd_revoke)
    scopes = actions.add_parser("scopes", help="the scope table")
    scopes.set_defaults(command=lambda args: print(as_markdown()))


def _tokens(args):
    from .runner import platform_config
    return token_store(platform_config(data_dir=args.data_dir))


def cmd_issue(args):
    try:
        command = IssueTokenSchema().load({"subject": args.subject, "kind": args.kind, "scopes": args.scope,
                                           "sources": args.source, "note": args.note,
                                           "days": None if args.never_expires else args.days})
    except ValidationError as exc:
        raise SystemExit(f"cannot issue: {exc.messages}") from None
    token, record = _tokens(args).issue(**command, issued_by=os.environ.get("USER", SYSTEM))
    print(token)
    expires = record["expires_at"].isoformat() if record["expires_at"] else "never"
    print(f"(token {record['id']} for {record['subject']}: {' '.join(record['scopes'])}; sources "
          f"{' '.join(record['sources']) or 'none'}; expires {expires}; shown once, stored hashed)", file=sys.stderr)


def cmd_list(args):
    for row in _tokens(args).list(args.subject, include_revoked=args.all):
        expires = row["expires_at"].date().isoformat() if row["expires_at"] else "never"
        state = "revoked" if row["revoked_at"] else f"expires {expires}"
        print(f"{row['id']}  {row['subject']:<24}{row['kind']:<12}{state:<20}{' '.join(row['scopes'])}"
              f"{'  sources ' + ' '.join(row['sources']) if row['sources'] else ''}")


def cmd_revoke(args):
    count = _tokens(args).revoke(token_id=args.id, subject=args.subject)
    print(f"revoked {count} token(s)")
