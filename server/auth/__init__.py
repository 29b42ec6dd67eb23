"""Signing in and out, passwords, and the access rule every route declares."""
