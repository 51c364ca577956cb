"""The per-process model cache: a worker loads each model once and reuses it for every later partition."""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass

from ...model.artifact import load_model
from ...model.runtime import Model

# The one deliberate piece of process-wide state in complaintmine: models loaded in this process, keyed by model
# path, and how many times each was loaded. It exists so that a worker (a Dask worker process or a Spark Python
# worker) loads a model once and reuses it for every partition, instead of loading it per partition or receiving
# it inside every task. It is created on first use, never at import, and one lock guards both creation and
# loading so threads of one worker never load the same model twice.


@dataclass
class _ModelCache:
    models: dict[str, Model]
    loads: Counter[str]


_CACHE_LOCK = threading.Lock()
_cache: _ModelCache | None = None


def cached_model(model_path: str | os.PathLike[str] | None) -> Model:
    """The model at ``model_path``, loaded at most once per process (see the cache note above).

    None means the shipped default model of *this* process's installation, so workers on other machines find
    their own copy.
    """
    global _cache
    from ...model.defaults import model_directory

    key = model_directory(model_path)
    with _CACHE_LOCK:
        if _cache is None:
            _cache = _ModelCache({}, Counter())
        model = _cache.models.get(key)
        if model is None:
            model = load_model(key)
            _cache.models[key] = model
            _cache.loads[key] += 1
        return model


def model_cache_info() -> dict[str, int]:
    """How many times each model path was loaded in this process (``client.run`` it to inspect workers)."""
    with _CACHE_LOCK:
        return dict(_cache.loads) if _cache is not None else {}


def clear_model_cache() -> None:
    """Forget this process's loaded models and load counts (frees memory in a long-lived process)."""
    global _cache
    with _CACHE_LOCK:
        _cache = None
