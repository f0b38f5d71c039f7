"""Accounts: log in and out, expert registration, password change, language choice (the
``auth`` blueprint), and the services that create users, organizations and API tokens."""
