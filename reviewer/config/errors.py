"""Configuration problems, always with file, line and key."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import DecodeError, load_yaml
from reviewer.engine.locate import locate


class ConfigError(Exception):
    """A rule file or configuration file that cannot be used (exit status 2)."""

    def __init__(self, path: str, line: int, key: str, message: str) -> None:
        self.path, self.line, self.key, self.message = path, line, key, message
        where = f"{path}:{line}" + (f" ({key})" if key else "")
        super().__init__(f"{where}: {message}")


def load_config_yaml(path: str, text: str) -> Any:
    """Parse a configuration YAML, turning syntax errors into ConfigError."""
    try:
        return load_yaml(text)
    except DecodeError as exc:
        raise ConfigError(path, exc.line, "", exc.message) from None


def schema_errors(path: str, data: Any, schema: dict[str, Any]) -> list[ConfigError]:
    """Every schema violation of ``data``, located at the offending key's line."""
    import jsonschema  # about 0.1 s to import: only when a file is checked

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = tuple(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties":
            unknown = [k for k in error.instance if k not in error.schema.get("properties", {})]
            if unknown:
                where = where + (unknown[0],)
                message = f'unknown key "{unknown[0]}"'
        line, _ = locate(data, where)
        key = ".".join(str(k) for k in where)
        out.append(ConfigError(path, line, key, message))
    return out
