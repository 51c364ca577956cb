"""Texts to predictions: DataFrames and lists (frame), files in chunks on a process pool (batch), Dask (dask)."""
