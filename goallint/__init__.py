"""goallint: a rules-based linter for budget performance target forms (预算绩效目标表)."""

__version__ = "0.1.0"
