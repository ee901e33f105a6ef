"""Every scope a route may declare, in one table: the README's table is printed from it
(`safecommunity token scopes`), and a route that declares a scope not listed here does not start.

Two are special: PUBLIC routes answer anyone (health, the OpenAPI document, code tables, the
dashboard's page), and AGGREGATES routes answer anonymous callers when ANONYMOUS_SCOPES says so
(the default), with small cells suppressed; every token holder has AGGREGATES too.
"""
PUBLIC = "public"
AGGREGATES = "aggregates"

SCOPES = {
    PUBLIC: ("anyone, with or without a token: health, readiness, the OpenAPI document, code tables",
             "任何人:健康检查、接口文档、代码表"),
    AGGREGATES: ("dashboard figures and other aggregates; counts under SUPPRESS_BELOW shown as \"<5\" "
                 "without reports:read", "汇总数据(无 reports:read 时小于阈值的计数显示为 \"<5\")"),
    "registry:read": ("grids, units, facilities, housing, volunteers, people in roles (personal data masked)",
                      "读取登记信息(个人信息脱敏)"),
    "registry:write": ("register and change registry records", "登记与修改登记信息"),
    "registry:pii": ("names, ID numbers, phones, addresses, exact birth dates, health attributes; "
                     "imports that upsert residents", "个人信息:姓名、身份证号、电话、住址、出生日期、健康属性"),
    "registry:sensitive": ("every sensitive tag (registry:sensitive:<tag> for one)", "敏感标签"),
    "registry:audit": ("the registry's audit log of who saw personal data", "个人信息访问审计日志"),
    "registry:admin": ("the registry's taxonomy: tag and unit types", "登记分类(标签、单位类型)管理"),
    "incidents:read": ("record-level injury cards, accidents, public-order events, hazards, rejections",
                       "读取伤害、事故、治安事件、隐患明细"),
    "incidents:write": ("report under the token's own sources; act on hazards; attach evidence",
                        "以本部门来源上报;处理隐患;上传附件"),
    "projects:read": ("projects", "读取项目"),
    "projects:write": ("create and change projects", "创建与修改项目"),
    "notifications:read": ("the delivery log", "读取通知投递记录"),
    "notifications:write": ("subscriptions and channels; acknowledging notices", "管理订阅与渠道；确认通知"),
    "notifications:inbox": ("a person's own in-app notices: read them, mark them read, acknowledge them",
                            "本人站内通知:查看、标为已读、确认"),
    "alerts:write": ("issue public warnings (the meteorology bureau): CAP 1.2 alerts told to their grids",
                     "发布预警信息(气象部门):CAP 1.2 预警并告知相关网格"),
    "reports:read": ("exact figures (no suppression) and issued periodic reports", "精确数据与定期报告"),
    "reports:admin": ("KPI targets; issuing periodic reports", "指标目标设置;生成定期报告"),
    "ops": ("dead letters, replay, rebuild, metrics", "运维:死信、重放、重建、指标"),
    "admin": ("platform tokens: issue, list, revoke", "平台令牌管理"),
}

# What a caller named in a token's `kind` is (the README's three kinds of caller).
KINDS = ("department", "person", "machine")


def known(scope):
    return scope in SCOPES or scope.startswith("registry:sensitive:")


def as_markdown():
    lines = ["| scope | what it allows | 说明 |", "|---|---|---|"]
    lines += [f"| `{scope}` | {english} | {chinese} |" for scope, (english, chinese) in SCOPES.items()]
    return "\n".join(lines)
