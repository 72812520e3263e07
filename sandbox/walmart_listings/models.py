"""Walmart emulator state for items, inventory, prices and feeds."""
