"""Tables in and out: readers (format and encoding detection, chunked reading), writers, whole-table helpers."""
