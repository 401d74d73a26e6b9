"""The commands that start Rasa hand it the API token intact, read by Rasa's own argument parser,
and never put it on the command line (anyone on the machine can read that with `ps`).

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

from bot.serve import rasa_argv

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "-Xy_z0-token"


def rasa_args(command: list[str]) -> argparse.Namespace:
    """What Rasa receives from a `python -m bot.serve ...` command, with RASA_TOKEN=TOKEN."""
    assert command[1:3] == ["-m", "bot.serve"], command
    assert not any(TOKEN in arg for arg in command), command
    return create_argument_parser().parse_args(rasa_argv(command[3:], TOKEN))


def procfile_command(name: str, env: dict[str, str]) -> list[str]:
    line = next(ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith(f"{name}:"))
    # the shell (as honcho runs it) expands the line; print the resulting arguments, NUL-separated
    printed = subprocess.run(
        ["bash", "-c", f'set -- {line.split(":", 1)[1]}; printf "%s\\0" "$@"'],
        env={**os.environ, **env},
        capture_output=True,
        check=True,
    ).stdout.decode()
    words = printed.rstrip("\0").split("\0")
    while "=" in words[0]:  # leading VAR=value assignments
        words.pop(0)
    return words


def test_procfile_passes_a_dash_token_through_the_environment() -> None:
    args = rasa_args(procfile_command("rasa", {"RASA_TOKEN": TOKEN}))
    assert args.auth_token == TOKEN and args.enable_api


def test_procfile_actions_run_behind_the_secret_check() -> None:
    command = procfile_command("actions", {"ACTION_SERVER_TOKEN": TOKEN})
    assert command[1:3] == ["-m", "actions.serve"] and TOKEN not in " ".join(command)


def test_the_launcher_refuses_a_token_on_the_command_line_or_none() -> None:
    with pytest.raises(SystemExit):
        rasa_argv(["--enable-api", f"--auth-token={TOKEN}"], TOKEN)
    with pytest.raises(SystemExit):
        rasa_argv(["--enable-api"], "")


def test_run_prod_passes_a_dash_token_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
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
    env, commands = run_prod.build(options)
    servers = [rasa_args(command) for name, command in commands.items() if name.startswith("rasa")]
    assert [s.port for s in servers] == [5005, 5006]
    assert all(s.auth_token == TOKEN for s in servers)
    assert env["RASA_TOKEN"] == TOKEN and env["ACTION_SERVER_TOKEN"]  # drawn for the run if unset
    assert commands["actions"][1:3] == ["-m", "actions.serve"]


def test_the_token_can_come_from_a_file(tmp_path: Path) -> None:
    from bot.serve import read_token

    secret = tmp_path / "rasa_token"
    secret.write_text(TOKEN + "\n", encoding="utf-8")
    assert read_token({"RASA_TOKEN_FILE": str(secret)}) == TOKEN
    assert read_token({"RASA_TOKEN": "from-env", "RASA_TOKEN_FILE": str(secret)}) == "from-env"
