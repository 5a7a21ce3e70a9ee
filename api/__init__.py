"""The FastAPI service and its web page."""
