"""Vector indexes: taxonomy label vectors for linking (and, later, ad/CV indexes for matching)."""
