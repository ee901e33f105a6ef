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

MANIFEST = Manifest(
    name="registry", order=10,
    summary="grids, residents and vulnerable groups, housing, units, facilities, departments, people in roles",
    key_files=("registry-keys.json",),  # pii.KEY_FILE
    # memory from measured RSS (deploy/k8s/README.md): it holds a whole CSV upload while it imports it
    deployment=Deployment(memory=("192Mi", "768Mi"), env=PII_ENV))
