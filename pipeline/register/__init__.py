"""The document-number register (发文登记): allocation in SQLite or PostgreSQL (registry),
and the register as a 发文登记簿 spreadsheet (book)."""
