"""Experiment for `bench/run.py --rasa-patch` only (not used by the product): validates action-server
responses in Rasa with a compiled jsonschema validator instead of `jsonschema.validate()`, which
re-checks Rasa's large events schema against the meta-schema on every call (~45 ms per custom action
on these 2 cores, ~1 ms compiled). The product fix belongs in a module Rasa imports (bot/); see
docs/deployment.md "Performance"."""

try:
    import jsonschema
    from rasa.core.actions.action import RemoteAction
except Exception:  # not the Rasa environment
    pass
else:
    _schema = RemoteAction.action_response_format_spec()
    _validator = jsonschema.validators.validator_for(_schema)(_schema)
    _original = RemoteAction._validate_action_result

    def _validate_action_result(self, result):  # type: ignore[no-untyped-def]
        if _validator.is_valid(result):
            return True
        return _original(self, result)  # raises with Rasa's own explanation

    RemoteAction._validate_action_result = _validate_action_result
