"""The work behind each `goallint` command, one module per command (imported lazily by cli.py)."""
