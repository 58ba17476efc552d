"""Run ``ikp`` in-process on a 200-column terminal (whatever the terminal running the tests)."""

from __future__ import annotations

from typer.testing import CliRunner

from ikp import cli

runner = CliRunner()


def invoke(*args: str, stdout_only: bool = False) -> tuple[int, str]:
    """Exit code and output (stdout and stderr, or ``stdout_only``)."""
    width = cli.console._width
    cli.console._width = 200
    try:
        result = runner.invoke(cli.app, list(args))
    finally:
        cli.console._width = width
    return result.exit_code, (result.stdout if stdout_only else result.output)
