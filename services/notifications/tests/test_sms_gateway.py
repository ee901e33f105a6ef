"""The SMS gateway's setting, read as Apprise's json:// / form:// URLs are: the call each message
becomes (fields renamed, dropped or added, headers, query parameters, method, auth), and a URL it
cannot read refused at start. No I/O (tests/integration/test_notification_channels.py sends)."""
import pytest

from services.notifications.channels.sms_gateway import gateway_of


def test_a_json_gateway_takes_the_text_and_the_number_in_the_fields_the_url_names():
    gateway = gateway_of("json://sms.example.org:8080/send?:message=content", "mobile")
    assert (gateway.url, gateway.encoding, gateway.method) == ("http://sms.example.org:8080/send", "json", "POST")
    assert gateway.payload("13800001234", "正文") == {"content": "正文", "mobile": "13800001234"}


def test_constant_fields_headers_parameters_and_apprise_own_fields_are_read_as_apprise_reads_them():
    gateway = gateway_of("jsons://sms.example.org/v1/sms?:sign=%E5%AE%89%E5%85%A8&:title=x&:version=&"
                         "+X-Api-Key=k%2B1&-account=a1&method=put&verify=no", "to")
    assert gateway.url == "https://sms.example.org/v1/sms" and (gateway.method, gateway.verify) == ("PUT", False)
    assert (gateway.headers, gateway.params) == ({"X-Api-Key": "k+1"}, {"account": "a1"})
    assert gateway.payload("138", "hi") == {"sign": "安全", "message": "hi", "to": "138"}  # no title, no version


def test_a_field_named_empty_is_dropped_and_a_form_gateway_with_a_login_posts_a_form():
    gateway = gateway_of("forms://user:p%40ss@sms.example.org/send?:message=text&:to=", "to")
    assert (gateway.url, gateway.encoding, gateway.auth) == ("https://sms.example.org/send", "form", ("user", "p@ss"))
    assert gateway.payload("138", "hi") == {"text": "hi"}


@pytest.mark.parametrize("url, says", [
    ("http://sms.example.org/send", "must be json://"),
    ("json:///send", "must be json://"),
    ("json://sms.example.org/send?cto=3", "cto=3 is not an option"),
    ("json://sms.example.org/send?method=DELETE", "method=DELETE is not an option"),
])
def test_a_gateway_url_it_cannot_read_is_refused_naming_what(url, says):
    with pytest.raises(ValueError, match=says):
        gateway_of(url, "to")
