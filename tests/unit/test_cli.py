"""The command line's parsing."""
import pytest

from safecommunity.cli import build_parser
from safecommunity.runner import platform_config


@pytest.mark.parametrize("argv", [
    ["--data-dir", "X", "run"],
    ["run", "--data-dir", "X"],
    ["dead-letters", "list", "--data-dir", "X"],
    ["token", "list", "--data-dir", "X"],
])
def test_the_data_folder_is_taken_before_or_after_the_subcommand(argv):
    assert build_parser().parse_args(argv).data_dir == "X"


def test_without_a_data_folder_the_default_is_left_to_the_runner():
    assert build_parser().parse_args(["run"]).data_dir is None


def test_run_listens_on_web_server_address_port_unless_told_a_port():
    distributed = {"AMQP_URI": "amqp://broker//", "DATABASE_URL": "postgresql://db/{service}",
                   "WEB_SERVER_ADDRESS": "0.0.0.0:8080"}
    args = build_parser().parse_args(["run", "--service", "incidents"])
    assert platform_config(port=args.port, environ=distributed)["WEB_SERVER_ADDRESS"] == "0.0.0.0:8080"
    args = build_parser().parse_args(["run", "--port", "9000"])
    assert platform_config(port=args.port, environ=distributed)["WEB_SERVER_ADDRESS"] == "0.0.0.0:9000"
    assert platform_config(port=None, environ={})["WEB_SERVER_ADDRESS"] == "127.0.0.1:8000"
