"""README.md documents every CLI command, option and setting."""

from __future__ import annotations

import argparse

from conftest import REPO

from etl import settings
from etl.cli import make_parser

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands_and_options() -> list[str]:
    """Given the CLI parser, return its sub-commands and their option strings."""
    found = []
    for action in make_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"python -m etl {name}")
                for sub_action in sub._actions:
                    found += [
                        s for s in sub_action.option_strings if s.startswith("--") and s != "--help"
                    ]
    return found


def test_every_cli_command_and_option_is_in_readme():
    items = _commands_and_options()
    assert "python -m etl build" in items and "--force" in items
    missing = [item for item in items if item not in README]
    assert not missing, f"README.md 未说明：{missing}"


def test_every_setting_is_in_readme():
    missing = [
        f"{s.name} / {s.env_var}"
        for s in settings.SETTINGS
        if s.env_var not in README or s.default not in README
    ]
    assert not missing, f"README.md 的设置表缺少：{missing}"


def test_readme_starts_with_the_two_commands():
    code = README.split("```", 2)[1]
    assert "make run" in code and "make test" in code
