"""Loaders: the only writers of the database. CLI: ``python -m loaders --help``."""
