"""The store: ads, CVs, profiles and vectors (SQLite by default); programmes, mentors and placements."""

# The programme tables join the store's metadata whenever the store is used, so that every Store creates them and
# erasing a CV erases the rows that name it.
from store import programmes as _programmes  # noqa: F401,E402
