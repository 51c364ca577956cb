"""``complaintmine.distributed``: the Dask engine's public names, kept here for existing imports.

The code lives in ``complaintmine.scoring.dask``.
"""

from .scoring.dask import *  # noqa: F403
from .scoring.dask import __all__ as __all__
