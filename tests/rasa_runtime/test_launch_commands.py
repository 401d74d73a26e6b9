"""The commands that start Rasa hand it the API token intact, read by Rasa's own argument parser.

`make env` draws the token with `secrets.token_urlsafe`, so one token in 64 starts with "-".
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "-Xy_z0-token"


def rasa_args(command: list[str]) -> argparse.Namespace:
    assert Path(command[0]).name == "rasa"
    return create_argument_parser().parse_args(command[1:])


def test_procfile_passes_a_dash_token() -> None:
    line = next(ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith("rasa:"))
    command_line = line.split(":", 1)[1]
    # the shell (as honcho runs it) expands the line; print the resulting arguments, NUL-separated
    printed = subprocess.run(
        ["bash", "-c", f'set -- {command_line}; printf "%s\\0" "$@"'],
        env={**os.environ, "RASA_TOKEN": TOKEN},
        capture_output=True,
        check=True,
    ).stdout.decode()
    args = rasa_args(printed.rstrip("\0").split("\0"))
    assert args.auth_token == TOKEN and args.enable_api


def test_run_prod_passes_a_dash_token(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("run_prod", ROOT / "scripts" / "run_prod.py")
    run_prod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(run_prod)  # type: ignore[union-attr]
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    options = argparse.Namespace(
        workers=2,
        endpoints="endpoints.prod.yml",
        model="models/dvc.tar.gz",
        host="127.0.0.1",
        api_port=8000,
        rasa_port=5005,
        actions_port=5055,
        forwarded_allow_ips="",
        log_dir="",
    )
    _, commands = run_prod.build(options)
    servers = [rasa_args(command) for name, command in commands.items() if name.startswith("rasa")]
    assert [s.port for s in servers] == [5005, 5006]
    assert all(s.auth_token == TOKEN for s in servers)
