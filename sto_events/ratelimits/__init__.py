"""Rate limits that hold across workers and processes: counted in the database (the embedded default) or in the
storage Flask-Limiter is given (Redis in production)."""
