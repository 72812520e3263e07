"""items_out: ERP product data listed on Walmart by MP_ITEM feed (DESIGN §1, §5)."""
