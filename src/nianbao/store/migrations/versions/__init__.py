"""Migration revisions; the same ones run on SQLite and PostgreSQL."""
