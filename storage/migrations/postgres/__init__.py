"""PostgreSQL versions of the migrations one directory up (same numbers, same tables and columns)."""
