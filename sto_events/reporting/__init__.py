"""Reporting: the dashboard's figures and charts. The only package that reads every domain; nothing imports it."""
