"""Numbers for `manage.py sandbox stats` (DESIGN §8): documents created and duplicate references."""

from django.db.models import Count

from sandbox.infor_cloudsuite.models import InterfaceRow, Journal


def documents():
    return {"gl_transactions": InterfaceRow.objects.count(), "journals": Journal.objects.count()}


def duplicate_references():
    """References (ours) carried by lines of more than one released journal of a tenant: must stay 0."""
    return (InterfaceRow.objects.filter(status=InterfaceRow.Status.RELEASED).exclude(reference="")
            .values("tenant", "reference").annotate(n=Count("journal", distinct=True)).filter(n__gt=1).count())
