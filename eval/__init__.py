"""Benchmarks on labelled data: skill extraction (Decorte et al.) and occupation normalisation (MELO)."""
