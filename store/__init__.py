"""The store: ads, CVs, profiles and vectors (SQLite by default)."""
