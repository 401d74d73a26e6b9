"""Performance fix for Rasa 3.6, applied when our input channel is loaded by `rasa run`.

Rasa checks every action-server response with `jsonschema.validate()`, which re-checks Rasa's
large events schema against the meta-schema on each call: ~45 ms per custom action on 2 cores,
about half of Rasa's CPU per message (measured with `make bench`, see docs/deployment.md). A
validator compiled once gives the same verdict in ~1 ms; invalid responses still go through
Rasa's own check, so its error messages are unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, Text

import jsonschema
from rasa.core.actions.action import RemoteAction

_schema = RemoteAction.action_response_format_spec()
_validator = jsonschema.validators.validator_for(_schema)(_schema)
_original = RemoteAction._validate_action_result


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _validator.is_valid(result):
        return True
    return _original(self, result)  # raises with Rasa's own explanation


RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
