"""Loading of embedding and NLP models, once per process, offline."""
