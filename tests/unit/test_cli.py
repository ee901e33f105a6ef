"""The command line's parsing."""
import pytest

from safecommunity.cli import build_parser


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
