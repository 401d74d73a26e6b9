"""Several Rasa servers behind the API: a sticky choice per sender, failover when one is down.

Every Rasa server shares the tracker store (SQL) and the lock store (Redis), so any of them can
serve any conversation; sticking to one per sender only avoids lock contention. A message is
retried on the next server only when the connection was refused (it never reached Rasa), so a
message is never processed twice.
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx

from api.services.rasa_client import RasaClient, RasaUnavailable, Turn


class RasaPool:
    def __init__(self, base_urls: list[str], token: str, timeout: float) -> None:
        if not base_urls:
            raise ValueError("at least one Rasa URL is needed")
        self.urls = base_urls
        self._clients = [RasaClient(url, token, timeout) for url in base_urls]

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()

    def _order(self, sender_id: str) -> list[RasaClient]:
        start = zlib.crc32(sender_id.encode()) % len(self._clients)
        return self._clients[start:] + self._clients[:start]

    async def send(self, sender_id: str, text: str, channel: str, metadata: dict[str, Any]) -> Turn:
        last: RasaUnavailable | None = None
        for client in self._order(sender_id):
            try:
                return await client.send(sender_id, text, channel, metadata)
            except RasaUnavailable as exc:
                if not isinstance(exc.__cause__, (httpx.ConnectError, httpx.ConnectTimeout)):
                    raise
                last = exc
        assert last is not None
        raise last

    async def status(self) -> dict[str, Any]:
        """The status of the first server that answers (the API is ready if one Rasa is)."""
        error: Exception | None = None
        for client in self._clients:
            try:
                return await client.status()
            except (httpx.HTTPError, ValueError) as exc:
                error = exc
        assert error is not None
        raise error


def rasa_urls(rasa_url: str, rasa_urls: str) -> list[str]:
    urls = [url.strip() for url in rasa_urls.split(",") if url.strip()]
    return urls or [rasa_url]
