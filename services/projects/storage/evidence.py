"""Evidence items (the files' records: the files are on disk, files.py), their AQ/T 9001 elements,
and projects' evidence checklists."""
from sqlalchemy import func, insert, select

from ..evidence import Evidence
from .base import Repository, row_values
from .tables import evidence, evidence_elements, evidence_requirements


class EvidenceRepository(Repository):
    table, aggregate, what = evidence, Evidence, "file of evidence"

    def add(self, item):
        super().add(item)
        self.session.execute(insert(evidence_elements), [{"evidence_id": item.id, "element": code}
                                                         for code in item.elements])

    def same_file(self, subject, subject_id, sha256):
        """The item of this file on this project, activity, occurrence or meeting, if there is one."""
        found = self.select(select(evidence).where(evidence.c.subject == subject, evidence.c.subject_id == subject_id,
                                                   evidence.c.sha256 == sha256))
        return found[0] if found else None

    def of_project(self, project_id):
        """Everything filed for the project, its activities and their occurrences (oldest first)."""
        return self.select(select(evidence).where(evidence.c.project_id == project_id)
                           .order_by(evidence.c.added_at, evidence.c.id))

    def list(self, filters, limit, offset):
        query = select(evidence)
        if "element" in filters:
            query = query.where(evidence.c.id.in_(select(evidence_elements.c.evidence_id)
                                                  .where(evidence_elements.c.element == filters["element"])))
        if "kind" in filters:
            query = query.where(evidence.c.kind == filters["kind"])
        return self.select(query.order_by(evidence.c.added_at, evidence.c.id).limit(limit).offset(offset))

    def element_counts(self):
        """{element: evidence items tagged with it}, across every project and meeting."""
        rows = self.session.execute(select(evidence_elements.c.element, func.count())
                                    .group_by(evidence_elements.c.element)).all()
        return {element: count for element, count in rows}

    def require(self, rows):
        if rows:
            self.session.execute(insert(evidence_requirements), rows)

    def requirements(self, project_id):
        needs = evidence_requirements
        rows = self.session.execute(select(needs).where(needs.c.project_id == project_id).order_by(needs.c.id)).all()
        return [{k: v for k, v in row_values(row).items() if k != "project_id"} for row in rows]
