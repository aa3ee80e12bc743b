"""Accounts and roles: organisers now; region coordinators, company and school contacts log in the same way."""
