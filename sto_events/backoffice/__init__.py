"""The back office's shell: the /beheer start page and the navigation the domains register into.

Every page that manages something lives with its domain (`<domain>/manage.py`); this package knows none of them.
"""
