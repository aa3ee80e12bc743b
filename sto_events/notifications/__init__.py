"""Mail (outbox and sender) and calendar files."""
