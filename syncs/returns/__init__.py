"""Walmart returns in: parse every shape Walmart sends, store them once per integration, work the inbox."""
