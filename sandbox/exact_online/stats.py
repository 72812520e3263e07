"""Figures of the Exact Online emulator for `sandbox stats --json` (DESIGN §9)."""

from django.db.models import Count

from sandbox.exact_online.models import Document, StockCount

LIVE = {"deleted": False}


def documents():
    live = Document.objects.filter(**LIVE)
    return {
        "sales_orders": live.filter(kind=Document.Kind.SALES_ORDER).count(),
        "sales_invoices": live.filter(kind=Document.Kind.SALES_INVOICE, type=8020).count(),
        "credit_notes": live.filter(kind=Document.Kind.SALES_INVOICE, type=8021).count(),
        "stock_counts": StockCount.objects.count(),
    }


def duplicate_references():
    """References carried by more than one live document of one type (it must stay 0): YourRef of sales
    orders, invoices and credit notes, Description (our reference) of stock counts.

    Invoices and credit notes are separate types: a credit note may legitimately follow an invoice.
    """
    documents = (Document.objects.filter(**LIVE).exclude(your_ref="")
                 .values("account", "division", "kind", "type", "your_ref")
                 .annotate(n=Count("id")).filter(n__gt=1).count())
    stock_counts = (StockCount.objects.exclude(description="").values("account", "division", "description")
                    .annotate(n=Count("id")).filter(n__gt=1).count())
    return documents + stock_counts
