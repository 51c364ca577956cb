"""The labelled corpus: loading, checks, real-text keys, near-duplicates."""
