"""Stock and prices between the ERP and Walmart (DESIGN §5): inventory_out, prices_out, inventory_in."""
