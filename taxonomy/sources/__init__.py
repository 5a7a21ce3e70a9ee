"""Formatters: each turns one taxonomy source into the common ``Taxonomy`` form."""
