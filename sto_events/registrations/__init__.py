"""Registrations: sign-up, capacity, waiting list, and the manage link."""
