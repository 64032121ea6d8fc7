"""`python -m goallint`: the same command as `goallint` (for an environment whose scripts folder is not on PATH)."""

from goallint.cli import main

if __name__ == "__main__":
    main(prog_name="goallint")
