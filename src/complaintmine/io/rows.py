"""A chunk of a table as named columns of plain Python values: what the readers yield, scoring fills in and the
writers write.

``complaintmine classify`` streams CSV, TSV and JSON Lines through these without importing pandas, which alone
cost about 0.3 s of every start (a third of classifying one row). Cells are Python objects as read (strings,
None for a missing cell, JSON values as typed); a chunk becomes a DataFrame only where a library function
promises one (:meth:`Rows.to_pandas`, :func:`~complaintmine.io.tables.read_table`, the Dask engine).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class Rows:
    """Columns of equal length, in order. ``rows["text"]`` is a column's list of cells."""

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: Mapping[str, Sequence[Any]] | None = None, length: int | None = None):
        self._columns: dict[str, list[Any]] = {}
        self._length = length if length is not None else len(next(iter(columns.values()))) if columns else 0
        for name, values in (columns or {}).items():
            self[name] = values

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def __len__(self) -> int:
        return self._length

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __getitem__(self, name: str) -> list[Any]:
        return self._columns[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._columns.get(name, default)

    def __setitem__(self, name: str, values: Iterable[Any]) -> None:
        """Set a column (a new one goes last); it must have one cell per row."""
        cells = values if type(values) is list else list(values)
        if len(cells) != self._length:
            raise ValueError(f"column {name!r} has {len(cells)} cells for {self._length} rows")
        self._columns[name] = cells

    def insert(self, position: int, name: str, values: Iterable[Any]) -> None:
        """Add a column at ``position`` (0 is first), as DataFrame.insert does."""
        if name in self._columns:
            raise ValueError(f"column {name!r} already exists")
        self[name] = values
        names = list(self._columns)
        names.insert(position, names.pop())
        self._columns = {n: self._columns[n] for n in names}

    def select(self, names: Sequence[str]) -> Rows:
        """The given columns, in that order (the cells are shared, not copied)."""
        return Rows({name: self._columns[name] for name in names}, self._length)

    def tuples(self) -> Iterable[tuple[Any, ...]]:
        """The rows as tuples, in column order."""
        return zip(*self._columns.values()) if self._columns else iter([()] * self._length)

    def to_pandas(self, dtypes: Mapping[str, Any] | None = None, index: Any = None) -> pd.DataFrame:
        """A DataFrame of object columns (cells as they are), or of ``dtypes`` where given: pandas infers nothing, so
        an integer id column with a gap never becomes float. Indexed by ``index`` (default 0, 1, ...)."""
        import pandas as pd

        dtypes = dtypes or {}
        frame = pd.DataFrame(
            {name: pd.Series(cells, dtype=dtypes.get(name, object)) for name, cells in self._columns.items()},
            index=pd.RangeIndex(self._length),
        )
        if index is not None:
            frame.index = index
        return frame

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame) -> Rows:
        """The cells of a DataFrame as Python objects, a missing value (NaN, NA, NaT) as None, column names as
        strings. NumPy and Arrow scalars become Python ones, as the readers give them."""
        names = [str(name) for name in frame.columns]
        twice = next((name for i, name in enumerate(names) if name in names[:i]), None)
        if twice is not None:
            raise ValueError(f"column name {twice!r} appears twice (as text)")
        columns = {}
        for name in frame.columns:
            series = frame[name]
            columns[str(name)] = series.astype(object).where(series.notna(), None).tolist()
        return cls(columns, len(frame))


def concat(chunks: Sequence[Rows]) -> Rows:
    """Chunks with the same columns, one after the other (JSON Lines chunks may add columns: missing is None); a
    single chunk is returned as it is."""
    if len(chunks) == 1:
        return chunks[0]
    names: dict[str, None] = {}
    for chunk in chunks:
        names.update(dict.fromkeys(chunk.columns))
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for chunk in chunks:
        for name in names:
            columns[name].extend(chunk.get(name) or [None] * len(chunk))
    return Rows(columns, sum(map(len, chunks)))
