"""Receiving Walmart's pushes: verify, parse, and write to the deduplicated inbox (DESIGN §4 step 1)."""
