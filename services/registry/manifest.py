"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Deployment, Manifest

# Fernet key(s) and look-up hash key for ID numbers and phones (secrets/pii.env), in Kubernetes
PII_ENV = """\
# Fernet key(s) and look-up hash key for ID numbers and phones (secrets/pii.env)
- name: PII_KEY
  valueFrom: {secretKeyRef: {name: safecommunity-pii, key: PII_KEY}}
- name: PII_HASH_KEY
  valueFrom: {secretKeyRef: {name: safecommunity-pii, key: PII_HASH_KEY}}
"""

SCOPES = {
    "registry:read": ("grids, units, facilities, housing, volunteers, people in roles (personal data masked)",
                      "读取登记信息(个人信息脱敏)"),
    "registry:write": ("register and change registry records", "登记与修改登记信息"),
    "registry:pii": ("names, ID numbers, phones, addresses, exact birth dates, health attributes; "
                     "imports that upsert residents", "个人信息:姓名、身份证号、电话、住址、出生日期、健康属性"),
    "registry:sensitive": ("every sensitive tag (registry:sensitive:<tag> for one)", "敏感标签"),
    "registry:audit": ("the registry's audit log of who saw personal data", "个人信息访问审计日志"),
    "registry:admin": ("the registry's taxonomy: tag and unit types", "登记分类(标签、单位类型)管理"),
}

MANIFEST = Manifest(
    name="registry", scopes=SCOPES, order=10,
    summary="grids, residents and vulnerable groups, housing, units, facilities, departments, people in roles",
    key_files=("registry-keys.json",),  # pii.KEY_FILE
    # memory from measured RSS (deploy/k8s/README.md): it holds a whole CSV upload while it imports it
    deployment=Deployment(memory=("192Mi", "768Mi"), env=PII_ENV))
