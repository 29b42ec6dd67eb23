"""Inspection rounds: which section is inspected with which template, and how the year is going."""
