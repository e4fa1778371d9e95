"""Alembic migrations of the corpus store (run by ``nianbao.store.db.migrate``)."""
