"""Registry imports of files as Chinese offices export them, over HTTP and by the CLI, on SQLite
(embedded) and PostgreSQL: UTF-8 with or without a BOM and GB18030/GBK, found or declared; a file
that is binary, has an over-long line or field, or is a broken workbook is a 400 naming the problem
and imports nothing; a cell that is not text is that row's error, naming its column."""
import io
import itertools
import os
import subprocess
import sys

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, text

from safecommunity.config import database_url
from safecommunity.testing import admin_token
from tests.conftest import base_url
from tests.integration.test_registry import PII_KEYS, id_number
from tests.integration.test_registry_bad_input import Client

CSV, XLSX = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "id_number,name,residence_type,grid_code,address\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request, start_services):
    config = request.getfixturevalue("embedded_config" if request.param == "sqlite" else "distributed_config")
    config = {**config, **PII_KEYS}
    start_services(config, ["registry"])
    token = admin_token(config)
    api = Client(base_url(config), token)
    api.made("/api/registry/grids", {"code": "BD-G1", "name": "Grid 网格", "level": "grid"})
    engine = create_engine(database_url(config, "registry"))
    yield {"api": api, "engine": engine, "config": config, "token": token}
    engine.dispose()


_serials = itertools.count(10)


def residents_csv(*names, extra=""):
    rows = [f"{id_number(serial=f'{next(_serials) % 100:02d}')},{name},permanent,BD-G1,{name}路{n}号\n"
            for n, name in enumerate(names)]
    return HEADER + "".join(rows) + extra


def upload(registry, data, content_type=CSV, kind="residents", **params):
    return registry["api"].session.post(f"{registry['api'].url}/api/registry/imports/{kind}", data=data,
                                        params=params, headers={"Content-Type": content_type}, timeout=60)


def names(registry):
    with registry["engine"].connect() as connection:
        return sorted(connection.scalars(text("SELECT name FROM residents")))


def refused(registry, data, words, content_type=CSV, **params):
    """The file is a 400 whose message has these words, and nothing of it was imported."""
    answer = upload(registry, data, content_type, **params)
    assert answer.status_code == 400, answer.text
    assert all(word in answer.json()["message"] for word in words), answer.json()
    assert names(registry) == []


def test_utf8_with_or_without_a_bom_and_gb18030_found_or_declared_all_import_chinese_names(registry):
    for data, params in [(residents_csv("李华").encode("utf-8"), {}),
                         (b"\xef\xbb\xbf" + residents_csv("王芳").encode("utf-8"), {}),
                         (residents_csv("张伟").encode("gb18030"), {}),
                         (residents_csv("刘洋").encode("gbk"), {"encoding": "gbk"}),
                         (residents_csv("陈静").encode("gb2312"), {"encoding": "GB2312"})]:
        answer = upload(registry, data, **params)
        assert answer.status_code == 200 and answer.json()["counts"]["created"] == 1, answer.text
    answer = upload(registry, residents_csv("赵磊").encode("gb18030"), content_type=f"{CSV}; charset=gb18030")
    assert answer.json()["counts"]["created"] == 1, answer.text
    assert names(registry) == sorted(["李华", "王芳", "张伟", "刘洋", "陈静", "赵磊"])
    with registry["engine"].connect() as connection:
        assert "张伟路0号" in connection.scalars(text("SELECT address FROM residents")).all()


def test_a_file_that_is_not_text_in_its_encoding_is_a_400_and_imports_nothing(registry):
    refused(registry, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["binary"])
    refused(registry, residents_csv("李华").encode("gb18030"), ["not text in utf-8", "line 2"], encoding="utf-8")
    refused(registry, residents_csv("李华").encode("utf-8"), ["koi8"], encoding="koi8-r")
    refused(registry, residents_csv("Li Hua", extra="ok,\x07bell,permanent,BD-G1,\n").encode(), ["line 3", "U+0007"])
    answer = upload(registry, residents_csv("Li Hua").encode(), bogus="1")
    assert answer.status_code == 400 and "bogus" in answer.json()["fields"]


def test_an_over_long_line_or_field_is_a_400_naming_its_line_and_imports_nothing(registry):
    refused(registry, residents_csv("Li Hua", "Wu Gang", extra=f"{'x' * 70000},a,b,c,d\n").encode(), ["line 4"])
    quoted = '"' + "\n".join(["y" * 60000] * 3) + '"'  # one field of 180,000 characters over three lines
    refused(registry, residents_csv("Li Hua", extra=f"{id_number(serial='55')},{quoted},permanent,BD-G1,\n").encode(),
            ["line", "field larger than field limit"])


def test_a_broken_workbook_is_a_400_and_imports_nothing(registry):
    book = Workbook()
    book.active.append(["id_number", "name", "residence_type", "grid_code"])
    book.active.append([id_number(serial="61"), "Li Hua", "permanent", "BD-G1"])
    whole = io.BytesIO()
    book.save(whole)
    refused(registry, whole.getvalue()[: len(whole.getvalue()) // 2], ["not a readable XLSX"], content_type=XLSX)
    refused(registry, residents_csv("Li Hua").encode(), ["not a readable XLSX", "BadZipFile"], content_type=XLSX)
    assert upload(registry, whole.getvalue(), content_type=XLSX).json()["counts"]["created"] == 1


def test_a_cell_that_is_not_text_is_its_rows_error_naming_the_column(registry):
    book = Workbook()
    book.active.append(["id_number", "name", "residence_type", "grid_code", "address"])
    book.active.append([id_number(serial="71"), "Li Hua", "permanent", "BD-G1", "1 Elm Road"])
    # XML (so XLSX) holds no C0 control character, and openpyxl writes none; DEL it holds
    book.active.append([id_number(serial="72"), "Wu\x7fGang", "permanent", "BD-G1", "2 Elm Road\x7f"])
    data = io.BytesIO()
    book.save(data)
    report = upload(registry, data.getvalue(), content_type=XLSX).json()
    assert report["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert sorted(report["errors"], key=str) == [
        {"row": 3, "field": field, "message": "contains the control character U+007F"} for field in ("address", "name")]
    assert names(registry) == ["Li Hua"]


def cli_import(registry, path, *options):
    config = registry["config"]
    env = {**os.environ, **PII_KEYS, "LOG_FORMAT": "text", "SAFECOMMUNITY_TOKEN": registry["token"]}
    if config.get("DATABASE_URL", "").startswith("postgresql"):
        env["DATABASE_URL"] = config["DATABASE_URL"]
    command = [sys.executable, "-m", "safecommunity.cli", "registry", "import", "residents", str(path), *options,
               "--data-dir", config["DATA_DIR"]]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_the_cli_reads_a_declared_encoding_and_refuses_a_broken_file_importing_nothing(registry, tmp_path):
    broken = tmp_path / "residents.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    done = cli_import(registry, broken)
    assert done.returncode == 1 and "not a readable XLSX" in done.stderr and "nothing was imported" in done.stderr
    binary = tmp_path / "residents.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    done = cli_import(registry, binary)
    assert done.returncode == 1 and "binary" in done.stderr, done.stderr
    assert names(registry) == []
    exported = tmp_path / "gbk.csv"
    exported.write_bytes(residents_csv("李华", "王芳").encode("gbk"))
    done = cli_import(registry, exported, "--encoding", "gbk")
    assert done.returncode == 0 and '"created": 2' in done.stdout, done.stderr
    assert names(registry) == sorted(["李华", "王芳"])
