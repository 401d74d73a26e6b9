"""Official formats of the national procedure database: the list export and per-procedure detail."""

from __future__ import annotations

import os
from pathlib import Path

from core.settings import PROJECT_ROOT


def reference_dir() -> Path | None:
    """The read-only reference records (../shared/reference/tthc), when this machine has them."""
    env = os.environ.get("TTHC_REFERENCE_DIR")
    candidates = [Path(env)] if env else []
    candidates += [parent / "shared" / "reference" / "tthc" for parent in PROJECT_ROOT.parents[:3]]
    return next((path for path in candidates if (path / "catalogue_list.jsonl.gz").exists()), None)
