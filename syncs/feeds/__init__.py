"""The feed engine (DESIGN §5): every bulk feed to Walmart goes through here, whatever it carries.

files.py   streams records into feed files cut under the type's item and size limits
limits.py  the seller's limits per feed type (partner profile, fallbacks) and the shared throttle
engine.py  queue, submit (throttled, exactly once even when an answer is lost), track to the end
results.py Walmart's per-item outcome back onto the state lines and the SKU mappings
"""
