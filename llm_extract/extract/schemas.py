"""User-supplied record schemas for ``extract --schema FILE.py:Class`` or ``--schema FILE.json``."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from pydantic import BaseModel

from ..core.errors import ConfigError


def load_user_schema(spec: str) -> type[BaseModel]:
    """A pydantic model class from ``path/to/file.py:ClassName`` or a JSON Schema file."""
    if ":" in spec and spec.rsplit(":", 1)[0].endswith(".py"):
        path, cls_name = spec.rsplit(":", 1)
        if not Path(path).is_file():
            raise ConfigError("schema file not found", path=path)
        mod_spec = importlib.util.spec_from_file_location(f"user_schema_{abs(hash(path))}", path)
        module = importlib.util.module_from_spec(mod_spec)
        try:
            mod_spec.loader.exec_module(module)  # type: ignore[union-attr]
        except Exception as exc:  # a user's file can fail in any way; report it in one line
            raise ConfigError(f"cannot import schema: {type(exc).__name__}: {exc}", path=path) from exc
        cls = getattr(module, cls_name, None)
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            raise ConfigError(f"{cls_name} is not a pydantic model", path=path)
        return cls
    if spec.endswith(".json"):
        return model_from_json_schema(spec)
    raise ConfigError(f"unknown --schema {spec!r}", hint="use indicator|project|problem|task|all, FILE.py:Class or FILE.json")


_TYPES = {"string": str, "number": float, "integer": int, "boolean": bool}


def model_from_json_schema(path: str) -> type[BaseModel]:
    from typing import Optional

    from pydantic import Field, create_model

    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read JSON Schema: {exc}", path=path) from exc
    props = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(props, dict):
        raise ConfigError("JSON Schema must be an object with properties", path=path)
    required = set(schema.get("required", []))
    fields = {}
    for name, p in props.items():
        t = p.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "string")
        py = _TYPES.get(t)
        if py is None:
            raise ConfigError(f"property {name}: only string/number/integer/boolean are supported", path=path)
        desc = p.get("description")
        if name in required:
            fields[name] = (py, Field(description=desc))
        else:
            fields[name] = (Optional[py], Field(description=desc))  # required-but-nullable: grammars fill it
    title = "".join(ch for ch in schema.get("title", Path(path).stem).title() if ch.isalnum()) or "Record"
    return create_model(title, **fields)
