"""A bounded load generator for POST /api/chat (loopback only).

K concurrent conversations, each a short scripted dialogue (5 turns, then a new sender id, as real
conversations are short), sent back to back (closed loop). Stops by itself at `duration` seconds or
`max_messages` messages, whichever comes first; every request has a timeout.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

SCRIPT = [
    "Xin chào",
    "Thủ tục làm hộ chiếu online thế nào?",
    "còn lệ phí thì sao?",
    "Làm sao đăng nhập VNeID?",
    "Lệ phí đăng ký tạm trú bao nhiêu?",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Result:
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def summary(self) -> dict[str, float | int | dict[str, int]]:
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            if not lat:
                return 0.0
            return round(lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))], 1)

        return {
            "concurrency": self.concurrency,
            "think_s": getattr(self, "think", 0.0),
            "messages": len(lat) + self.errors,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else 0.0,
            "throughput_msg_s": round(len(lat) / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "duration_s": round(self.elapsed_s, 1),
        }


async def _conversation(
    client: httpx.AsyncClient, result: Result, stop_at: float, budget: list[int], think: float
) -> None:
    if think:  # paced conversations start spread out, like people do
        await asyncio.sleep(random.uniform(0, think))
    while True:
        sender = f"bench-{uuid.uuid4().hex[:16]}"
        for text in SCRIPT:
            if time.monotonic() >= stop_at or budget[0] <= 0:
                return
            budget[0] -= 1
            started = time.perf_counter()
            try:
                response = await client.post("/api/chat", json={"sender_id": sender, "text": text})
                ok = response.status_code == 200 and bool(response.json().get("replies"))
                kind = f"http_{response.status_code}"
            except httpx.HTTPError as exc:
                ok, kind = False, type(exc).__name__
            if ok:
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                result.errors += 1
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
            if think:  # the user reads the answer and types the next message
                await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))


async def run_level(
    api_url: str,
    concurrency: int,
    duration: float,
    max_messages: int,
    timeout: float = 30.0,
    think: float = 0.0,
) -> Result:
    """`think` = 0: closed loop (each conversation sends its next message as soon as it has the
    answer: measures capacity). `think` > 0: paced conversations, a pause of think x U(0.5, 1.5)
    seconds between messages (measures what users feel at that load)."""
    host = urlsplit(api_url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"the benchmark only targets loopback addresses, not {host!r}")
    result = Result(concurrency)
    result.think = think  # type: ignore[attr-defined]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=api_url, timeout=timeout, limits=limits) as client:
        started = time.monotonic()
        budget = [max_messages]
        await asyncio.gather(
            *(_conversation(client, result, started + duration, budget, think) for _ in range(concurrency))
        )
        result.elapsed_s = time.monotonic() - started
    return result


async def warm_up(api_url: str, rounds: int = 2) -> None:
    async with httpx.AsyncClient(base_url=api_url, timeout=60) as client:
        for _ in range(rounds):
            sender = f"warmup-{uuid.uuid4().hex[:8]}"
            for text in SCRIPT:
                await client.post("/api/chat", json={"sender_id": sender, "text": text})
