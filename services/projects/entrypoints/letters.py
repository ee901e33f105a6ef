"""Routes of responsibility letters: issued, signed once, listed, and the share signed per level."""
from safecommunity.web import http, paging, read_json

from .. import commands as do
from .. import schemas as s
from ..letters import Letter, shares
from .scopes import READ, WRITE


class LettersEntrypoints:
    @http("POST", "/api/projects/letters", body=s.IssueLetterSchema, scope=WRITE)
    def issue_letter(self, request):
        command = s.IssueLetterSchema().load(read_json(request))
        if command["project_id"]:
            self.store.projects.get(command["project_id"])
        letter = Letter.issue(actor=self.caller.subject, **command)
        self.store.letters.add(letter)
        self.store.commit()
        return 201, s.LetterSchema().dump(letter)

    @http("POST", "/api/projects/letters/<letter_id>/sign", body=s.SignLetterSchema, scope=WRITE)
    def sign_letter(self, request, letter_id):
        command = s.SignLetterSchema().load(read_json(request))
        letter = self.store.letters.get(letter_id, for_update=True)
        letter.sign(command["signed_on"], self.caller.subject)
        self.store.letters.save(letter)
        self.store.commit()
        return s.LetterSchema().dump(letter)

    @http("GET", "/api/projects/letters", query=s.LetterQuerySchema, scope=READ)
    def list_letters(self, request):
        filters = s.LetterQuerySchema().load(request.args)
        limit, offset = paging(request)
        found = self.store.letters.list(filters, limit, offset)
        return {"limit": limit, "offset": offset, "letters": s.LetterSchema(many=True).dump(found)}

    @http("GET", "/api/projects/letters/shares", query=s.LetterSharesQuerySchema, scope=READ)
    def letter_shares(self, request):
        """Per level (district, street, community, unit): letters issued for the year, signed, share %."""
        year = s.LetterSharesQuerySchema().load(request.args)["year"]
        return shares(self.store.letters.touching(*do.year_span(year)), year)

    @http("GET", "/api/projects/letters/<letter_id>", scope=READ)
    def show_letter(self, request, letter_id):
        return s.LetterSchema().dump(self.store.letters.get(letter_id))
