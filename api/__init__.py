"""The FastAPI service and its web page (issue 4; not built yet)."""
