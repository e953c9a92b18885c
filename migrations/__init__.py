"""Alembic migrations; shipped in the wheel as ``factdb.migrations``."""
