"""Meetings, themes, workshop rounds and workshops; the public pages and calendar files."""
