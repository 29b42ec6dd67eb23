"""Madoguchi: the ward office's Service Improvement Plan, on tablets and in the browser."""

__version__ = "0.1.0"
