"""matcha: competence extraction and matching for CVs, jobs and traineeships."""

__version__ = "0.1.0"
