"""Valid text: what every channel refuses, and files in the encodings Chinese systems export."""
import json

import pytest

from safecommunity.errors import InvalidRequest
from safecommunity.text import (
    MAX_LINE_CHARS,
    decode_text_file,
    json_depth_exceeds,
    may_hold_invalid_text,
    text_problem,
    text_problems,
)

CSV = "编号,姓名\nA1,张三\n"


@pytest.mark.parametrize("value, reason", [
    ("a\x00b", "NUL"), ("a\ud800b", "surrogate"), ("a\x1bb", "U+001B"), ("a\x7f", "U+007F")])
def test_nul_surrogates_and_control_characters_are_not_text(value, reason):
    assert reason in text_problem(value)


@pytest.mark.parametrize("value", ["张三", "line one\nline two\r\n\tindented", "😀 emoji", ""])
def test_ordinary_text_in_any_script_passes(value):
    assert text_problem(value) is None


def test_problems_are_named_by_the_path_to_the_field():
    body = {"cards": [{"description": "ok"}, {"description": "bad\x00", "grid": "G1"}], "note": "\ud83d"}
    assert set(text_problems(body)) == {"cards.1.description", "note"}


@pytest.mark.parametrize("value", ["bad\x00", "lone \ud83d", "esc\x1b"])
def test_a_json_text_whose_strings_may_hold_such_characters_is_told_apart(value):
    assert may_hold_invalid_text(json.dumps({"a": value}))
    assert may_hold_invalid_text(json.dumps({"a": value}, ensure_ascii=False))


def test_ordinary_json_text_spares_the_walk():
    ordinary = {"name": "张三", "note": "line\nbreak\ttab", "n": [1, 2]}
    assert not may_hold_invalid_text(json.dumps(ordinary, ensure_ascii=False))
    assert not may_hold_invalid_text(json.dumps(ordinary))  # \u escapes of ordinary characters


def test_a_bad_field_name_is_named_by_where_it_sits():
    assert text_problems({"card": {"x\x00": 1}}) == {"card": ["a field name contains a NUL character"]}


def test_json_nested_past_the_limit_is_found_without_parsing_it():
    assert json_depth_exceeds("[" * 33 + "]" * 33)
    assert not json_depth_exceeds("[" * 32 + "]" * 32)
    assert not json_depth_exceeds('{"a": "' + "[" * 100 + '"}')  # brackets in a string do not nest
    assert not json_depth_exceeds('{"a": "\\"' + "[" * 100 + '\\\\"}')  # nor after an escaped quote
    assert json_depth_exceeds('{"a": "\\\\"' + "[" * 33 + "]" * 33 + "}")  # a quote after an escaped backslash ends it


@pytest.mark.parametrize("encoded", [CSV.encode("utf-8"), b"\xef\xbb\xbf" + CSV.encode("utf-8"), CSV.encode("gb18030"),
                                     CSV.encode("gbk")])
def test_utf8_with_or_without_bom_and_gb18030_are_read_undeclared(encoded):
    assert decode_text_file(encoded) == CSV


def test_a_declared_encoding_is_used():
    assert decode_text_file(CSV.encode("gbk"), declared="GBK") == CSV


def test_an_unknown_declared_encoding_is_refused_by_name():
    with pytest.raises(InvalidRequest, match="latin-9"):
        decode_text_file(b"a,b\n", declared="latin-9")


def test_bytes_that_are_not_text_in_the_declared_encoding_name_their_line():
    with pytest.raises(InvalidRequest, match="line 2"):
        decode_text_file("id,name\nA1,张三\n".encode("gb18030"), declared="utf-8")


@pytest.mark.parametrize("data", [b"PK\x03\x04\x00\x00binary", "a,b\n".encode("utf-16")])
def test_binary_data_is_refused(data):
    with pytest.raises(InvalidRequest, match="binary"):
        decode_text_file(data)


def test_an_over_long_line_is_refused_with_its_number():
    with pytest.raises(InvalidRequest, match="line 2 is longer"):
        decode_text_file(b"a,b\n" + b"x" * (MAX_LINE_CHARS + 1) + b"\n")


def test_a_control_character_in_a_file_names_its_line():
    with pytest.raises(InvalidRequest, match="line 3 contains the control character U\\+001B"):
        decode_text_file(b"a,b\n1,2\n3,\x1b\n")
