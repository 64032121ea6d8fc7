"""Files, caches and packaging: what every stage may use. These modules import only each other."""
