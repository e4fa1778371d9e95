"""Every command is reachable from `nianbao`, has Chinese help and an example."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from nianbao.cli import cli

EXPECTED = {
    "parse", "check", "write", "template", "ingest", "list", "show", "compare", "coverage",
    "export", "agencies", "review", "check-store", "serve", "users", "collect",
    "roster", "versions", "letter", "summary",
}  # fmt: skip


def test_top_level_commands():
    assert set(cli.commands) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_help_is_chinese_with_an_example(name):
    cmd = cli.commands[name]
    res = CliRunner().invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in (cmd.help or ""))
    if not isinstance(cmd, click.Group):
        assert "Example" in (cmd.help or ""), name


def test_click_words_are_chinese():
    """Usage, Options and usage errors of click itself are Chinese (issue 13)."""
    res = CliRunner().invoke(cli, ["list", "--help"])
    assert "用法" in res.output and "选项" in res.output
    assert "Usage" not in res.output and "Options" not in res.output
    assert "Show this message" not in res.output
    res = CliRunner().invoke(cli, ["list", "--bogus"])
    assert res.exit_code == 2 and "错误：没有选项" in res.output and "Error" not in res.output
    res = CliRunner().invoke(cli, ["show"])
    assert "缺少参数" in res.output and "Missing" not in res.output
