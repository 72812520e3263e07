"""Numbers for `manage.py sandbox stats` (DESIGN §8): documents created and duplicate references."""

from django.db.models import Count

from sandbox.infor_m3.models import CustomerReturn, Order


def documents():
    return {
        "customer_orders": Order.objects.filter(confirmed=True).count(),
        "customer_returns": CustomerReturn.objects.count(),
    }


def duplicate_references():
    """CUOR values (our reference) carried by more than one confirmed order of a tenant and company: must stay 0."""
    return (Order.objects.filter(confirmed=True).exclude(cuor="").values("tenant", "cono", "cuor")
            .annotate(n=Count("id")).filter(n__gt=1).count())
