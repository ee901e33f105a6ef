"""The registry's @http: the backbone's, refusing path values and query parameters that are not valid
text (a NUL, say, which PostgreSQL cannot compare) with a 400 naming them, before the method runs."""
from marshmallow import ValidationError

from safecommunity.text import text_problem
from safecommunity.web import Http


class CheckedHttp(Http):
    def get_entrypoint_parameters(self, request):
        args, kwargs = super().get_entrypoint_parameters(request)
        given = [*((name, value) for name, value in kwargs.items() if isinstance(value, str)),
                 *request.args.items(multi=True)]
        problems = {name: [reason] for name, value in given
                    if (reason := text_problem(name) or text_problem(value))}
        if problems:
            raise ValidationError(problems)
        return args, kwargs


http = CheckedHttp.decorator
