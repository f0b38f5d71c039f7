"""Logging in and out, expert registration, password change, language choice."""
