"""The warehouse: SQLAlchemy models, engine and Alembic migrations (SQLite and PostgreSQL)."""
