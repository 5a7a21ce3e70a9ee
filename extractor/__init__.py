"""Documents -> plain text -> sections -> mentions -> ESCO concepts -> competence profile."""
