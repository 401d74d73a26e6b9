"""Every documented route says what it answers: its success response is a named pydantic model
(a `$ref` in the OpenAPI document), not a free-form object."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.main import create_app
from core.settings import get_settings


@pytest.fixture()
def staff_in_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENAPI_INCLUDE_STAFF", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_every_route_documents_its_answer(staff_in_schema: None) -> None:
    spec = create_app().openapi()
    undocumented = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            success = next(code for code in operation["responses"] if code.startswith("2"))
            content = operation["responses"][success].get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if "$ref" not in str(schema):
                undocumented.append(f"{method.upper()} {path}")
    assert undocumented == []
    assert len(spec["paths"]) >= 25
