"""Every scope a route may declare, in one table: the backbone's own and each service's (its
manifest's `scopes`). The README's table is printed from it (`safecommunity token scopes`), and a
route that declares a scope not listed here does not start.

Two are special: PUBLIC routes answer anyone (health, the OpenAPI document, code tables, the
dashboard's page), and AGGREGATES routes answer anonymous callers when ANONYMOUS_SCOPES says so
(the default), with small cells suppressed; every token holder has AGGREGATES too.
"""
PUBLIC = "public"
AGGREGATES = "aggregates"

BACKBONE = {
    PUBLIC: ("anyone, with or without a token: health, readiness, the OpenAPI document, code tables",
             "任何人:健康检查、接口文档、代码表"),
    AGGREGATES: ("dashboard figures and other aggregates; counts under SUPPRESS_BELOW shown as \"<5\" "
                 "without reports:read", "汇总数据(无 reports:read 时小于阈值的计数显示为 \"<5\")"),
    "ops": ("dead letters, replay, rebuild, metrics", "运维:死信、重放、重建、指标"),
    "admin": ("platform tokens: issue, list, revoke", "平台令牌管理"),
}


def _every_scope():
    """The backbone's two kinds of route first, then each service's scopes as its manifest lists
    them (services/<name>/manifest.py), then the operators' and the token admin's."""
    from .discovery import discover
    first, last = ("public", "aggregates"), ("ops", "admin")
    scopes = {name: BACKBONE[name] for name in first}
    for manifest in discover():
        scopes.update(manifest.scopes)
    return {**scopes, **{name: BACKBONE[name] for name in last}}


SCOPES = _every_scope()

# What a caller named in a token's `kind` is (the README's three kinds of caller).
KINDS = ("department", "person", "machine")


def known(scope):
    return scope in SCOPES or scope.startswith("registry:sensitive:")


def as_markdown():
    lines = ["| scope | what it allows | 说明 |", "|---|---|---|"]
    lines += [f"| `{scope}` | {english} | {chinese} |" for scope, (english, chinese) in SCOPES.items()]
    return "\n".join(lines)
