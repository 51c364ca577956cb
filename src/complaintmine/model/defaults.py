"""Where the shipped default model lives, for wheel and editable installs alike."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from ..errors import ModelError

DEFAULT_MODEL_NAME = "complaintmine-zh-0.8.0"


def default_model_dir() -> Path:
    """The default model directory: packaged inside a wheel, or ``models/`` of a source checkout."""
    packaged = Path(str(resources.files("complaintmine"))) / "models" / DEFAULT_MODEL_NAME
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "models" / DEFAULT_MODEL_NAME
    if checkout.is_dir():
        return checkout
    raise ModelError(
        f"default model {DEFAULT_MODEL_NAME} not found (looked in {packaged} and {checkout}); pass --model DIR"
    )


DEFAULT_ALIAS = "default"  # what a user types for the shipped model


def is_default_model(path: str | os.PathLike[str] | None) -> bool:
    """Whether ``path`` names the shipped model: None (nothing given) or the alias ``"default"``."""
    return path is None or os.fspath(path) == DEFAULT_ALIAS


def model_directory(path: str | os.PathLike[str] | None) -> str:
    """``path`` as a string, or the default model directory when it is None or ``"default"`` (the one
    default-model lookup: every command that names a model goes through it)."""
    if path is None:
        return str(default_model_dir())
    if is_default_model(path):
        if Path(DEFAULT_ALIAS).is_dir():  # ./default is "default" by the time a path reaches here
            raise ModelError(
                f"'default' names the shipped model ({default_model_dir()}), and there is also a folder 'default' "
                f"here: give the folder's full path ({Path(DEFAULT_ALIAS).resolve()}) or the shipped model's"
            )
        return str(default_model_dir())
    return os.fspath(path)
