"""The base layer every other layer stands on: settings and atomic file writes (no imports from matcha's other packages)."""
