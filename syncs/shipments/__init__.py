"""shipments_out: the ERP's shipments and cancellations confirmed on Walmart, exactly once."""
