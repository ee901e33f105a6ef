"""What the backbone needs to know of this service to find, run, back up and deploy it
(safecommunity/discovery.py)."""
from safecommunity.discovery import Deployment, Manifest

ATTACHMENTS_COMPOSE = """\
# Hazard photos are files (in /data/attachments/incidents): a volume keeps them when the
# container is re-created, and replicas on this host share it. The image makes the folder, so
# the new volume takes its owner (the app user).
volumes:
  - incidents-attachments:/data/attachments
"""
ATTACHMENTS_ENV = """\
# Hazard photos are files, shared by every replica (attachments-pvc.yaml)
- name: ATTACHMENTS_DIR
  value: /data/attachments/incidents
"""

SCOPES = {
    "incidents:read": ("record-level injury cards, accidents, public-order events, hazards, rejections",
                       "读取伤害、事故、治安事件、隐患明细"),
    "incidents:write": ("report under the token's own sources; act on hazards; attach evidence",
                        "以本部门来源上报;处理隐患;上传附件"),
}

MANIFEST = Manifest(
    name="incidents", scopes=SCOPES, order=20,
    summary="injury cases, accidents, public-order events, hazards and their rectification",
    file_archives=(("attachments.tar", "services.incidents.dependencies:attachments_folder"),),
    # memory from measured RSS (deploy/k8s/README.md); incidents.intake: the departments' intake
    # (amqp_intake.py), one card a message
    deployment=Deployment(
        memory=("160Mi", "384Mi"), queues=(("incidents.intake", 5000),), compose=ATTACHMENTS_COMPOSE,
        env=ATTACHMENTS_ENV, mounts="- {name: attachments, mountPath: /data/attachments}\n",
        volumes="- name: attachments\n  persistentVolumeClaim: {claimName: incidents-attachments}\n"))
