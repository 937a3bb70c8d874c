"""Word lists shipped with the app (read by journal.privacy)."""
