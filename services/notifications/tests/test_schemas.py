import pytest
from marshmallow import ValidationError

from services.notifications.schemas import DeliveryQuerySchema


def test_deliveries_are_asked_for_by_a_recipient_of_valid_bounded_text_and_nothing_else():
    assert DeliveryQuerySchema().load({"recipient": "committee-office"}) == {"recipient": "committee-office"}
    with pytest.raises(ValidationError) as error:
        DeliveryQuerySchema().load({"recipient": "x" * 121, "offset": "\x00", "status": "sent"})
    assert set(error.value.messages) == {"recipient", "offset", "status"}
