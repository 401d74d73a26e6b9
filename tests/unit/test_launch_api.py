"""The commands that start the API trust no X-Forwarded-For unless FORWARDED_ALLOW_IPS names the
proxy (uvicorn's own default trusts 127.0.0.1: anyone on the machine could forge client IPs)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
from pathlib import Path

import pytest
from uvicorn.main import main as uvicorn_main

ROOT = Path(__file__).resolve().parents[2]


def uvicorn_options(command: list[str]) -> dict[str, object]:
    """The options uvicorn's own parser reads from `command` (program name first)."""
    args = command[3:] if command[1:3] == ["-m", "uvicorn"] else command[1:]
    return dict(uvicorn_main.make_context("uvicorn", list(args)).params)


def procfile_api(env: dict[str, str]) -> list[str]:
    line = next(ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith("api:"))
    printed = subprocess.run(
        ["bash", "-c", f'set -- {line.split(":", 1)[1]}; printf "%s\\0" "$@"'],
        env={k: v for k, v in {**os.environ, **env}.items() if v is not None},
        capture_output=True,
        check=True,
    ).stdout.decode()
    return printed.rstrip("\0").split("\0")


def run_prod_api(forwarded_allow_ips: str) -> list[str]:
    spec = importlib.util.spec_from_file_location("run_prod", ROOT / "scripts" / "run_prod.py")
    run_prod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(run_prod)  # type: ignore[union-attr]
    options = argparse.Namespace(
        workers=1,
        endpoints="endpoints.yml",
        model="models/dvc.tar.gz",
        host="127.0.0.1",
        api_port=8000,
        rasa_port=5005,
        actions_port=5055,
        forwarded_allow_ips=forwarded_allow_ips,
        log_dir="",
    )
    return list(run_prod.build(options)[1]["api"])


@pytest.mark.parametrize("source", ["procfile", "run_prod"])
def test_no_forwarded_address_is_trusted_by_default(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    command = procfile_api({}) if source == "procfile" else run_prod_api("")
    assert uvicorn_options(command)["forwarded_allow_ips"] == ""


@pytest.mark.parametrize("source", ["procfile", "run_prod"])
def test_a_real_proxy_can_be_trusted(source: str) -> None:
    proxy = "10.0.0.5"
    command = procfile_api({"FORWARDED_ALLOW_IPS": proxy}) if source == "procfile" else run_prod_api(proxy)
    options = uvicorn_options(command)
    assert options["forwarded_allow_ips"] == proxy and options["proxy_headers"] is True


def test_make_env_adds_the_action_server_token_to_an_older_env(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_TOKEN=abc\nSENDER_HASH_KEY=def", encoding="utf-8")
    script = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "ensure_env.py"), str(env_file)]
    subprocess.run(script, check=True, capture_output=True)
    lines = env_file.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["RASA_TOKEN=abc", "SENDER_HASH_KEY=def"]
    tokens = [line.split("=", 1)[1] for line in lines if line.startswith("ACTION_SERVER_TOKEN=")]
    assert len(tokens) == 1 and len(tokens[0]) >= 32
    subprocess.run(script, check=True, capture_output=True)
    assert env_file.read_text(encoding="utf-8").splitlines() == lines  # once only


def test_the_action_server_secret_can_come_from_a_file(tmp_path: Path) -> None:
    from actions.serve import read_secret

    secret = tmp_path / "action_token"
    secret.write_text("-from-a-file\n", encoding="utf-8")
    assert read_secret({"ACTION_SERVER_TOKEN_FILE": str(secret)}) == "-from-a-file"
    assert read_secret({}) == ""
