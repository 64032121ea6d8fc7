"""What the check kinds share: the form context and findings (`base`), selectors, patterns, value facts and the
merging of one defect reported in two columns. No check kind lives here; `goallint.checks` lists those."""
