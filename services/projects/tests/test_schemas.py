import pytest
from marshmallow import ValidationError

from services.projects.schemas import CreateProjectSchema, ProjectQuerySchema


def test_a_project_takes_no_unknown_field_nor_a_date_outside_the_programmes_years():
    with pytest.raises(ValidationError) as error:
        CreateProjectSchema().load({"name": "Safe homes", "intervention_area": "home", "start_date": "9999-01-01",
                                    "budget": 10**30})
    assert set(error.value.messages) == {"start_date", "budget"}


def test_the_list_takes_only_paging_and_valid_text():
    with pytest.raises(ValidationError) as error:
        ProjectQuerySchema().load({"limit": "1\x00", "colour": "red"})
    assert error.value.messages == {"limit": ["contains a NUL character"], "colour": ["Unknown field."]}
