"""Audit log: which organiser changed what, and when."""
