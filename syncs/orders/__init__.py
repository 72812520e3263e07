"""Orders in: normalise, validate, post (DESIGN §4)."""
