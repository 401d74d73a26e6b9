"""`python -m cli zalo ...`: set the OA token pair, refresh it, replay unanswered events."""

from __future__ import annotations

import asyncio

import typer

app = typer.Typer(help="Zalo Official Account channel.", no_args_is_help=True)


@app.command("set-tokens")
def set_tokens(
    access_token: str = typer.Option(..., prompt=True, hide_input=True, help="OA access token"),
    refresh_token: str = typer.Option(..., prompt=True, hide_input=True, help="OA refresh token"),
    expires_in: int = typer.Option(90000, help="Seconds until the access token expires (Zalo: 90000)"),
) -> None:
    """Store the OA token pair (from the Zalo developer console) in the database."""
    from api.services.zalo.tokens import store_pair

    pair = store_pair(access_token, refresh_token, expires_in)
    typer.echo(f"stored Zalo token pair (version {pair.version})")


@app.command("refresh")
def refresh() -> None:
    """Refresh the access token now (spends the refresh token; the new pair is stored first)."""
    from api.services.zalo.client import ZaloOAClient
    from api.services.zalo.tokens import load_pair
    from core.settings import get_settings

    async def run() -> None:
        settings = get_settings()
        client = ZaloOAClient(settings)
        try:
            pair = load_pair(settings)
            if pair is None:
                raise typer.BadParameter("no token pair stored: run `zalo set-tokens` first")
            await client.tokens.refresh(stale_access_token=pair.access_token)
        finally:
            await client.aclose()

    asyncio.run(run())
    typer.echo("refreshed")


@app.command("replay")
def replay(include_failed: bool = typer.Option(False, help="Also retry events that failed")) -> None:
    """Answer webhook events that were stored but not answered (e.g. after a crash)."""
    from api.services.rasa_client import RasaClient
    from api.services.zalo.client import ZaloOAClient
    from api.services.zalo.events import pending_event_ids, process_event
    from core.settings import get_settings

    async def run() -> dict[str, int]:
        settings = get_settings()
        rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout_seconds)
        client = ZaloOAClient(settings)
        counts: dict[str, int] = {}
        try:
            for event_id in pending_event_ids(include_failed):
                status = await process_event(event_id, rasa, client)
                counts[status] = counts.get(status, 0) + 1
        finally:
            await rasa.aclose()
            await client.aclose()
        return counts

    typer.echo(f"replayed: {asyncio.run(run())}")
