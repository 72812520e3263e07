"""Models of this emulator (its state lives in the database, so it survives restarts)."""
