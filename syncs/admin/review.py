"""The review queue (DESIGN §4.5): orders waiting for staff, with reason, age and Walmart's deadline.

Approve re-validates now (fix the mapping first, then approve in bulk); "post anyway" skips
validation with a stated reason and needs its own permission; reject asks for Walmart's
cancellation reason and the lines are cancelled on Walmart once, at the next run. Every decision
is audited with the user (syncs.orders.review).
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from audit.admin import ReadOnlyAdmin, integration_slug
from syncs.models import MarketplaceOrder, ReviewOrder
from syncs.orders import review
from syncs.orders.validate import validate


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "review_reason"

    def lookups(self, request, model_admin):
        present = model_admin.get_queryset(request).values_list("review_reason", flat=True).distinct()
        return [(code, review.REVIEW_REASONS.get(code, code)) for code in sorted(set(present))]

    def queryset(self, request, queryset):
        return queryset.filter(review_reason=self.value()) if self.value() else queryset


class RejectForm(forms.Form):
    cancel_reason = forms.ChoiceField(choices=[(r, r) for r in review.CANCEL_REASONS],
                                      help_text="Sent to Walmart with the cancellation of every open line")


class PostAnywayForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text="Why these orders should post without validation (kept in the audit trail)")


@admin.register(ReviewOrder)
class ReviewQueueAdmin(ReadOnlyAdmin):
    list_display = ["purchase_order_id", integration_slug, "reason", "problem", "age", "ack_deadline_display",
                    "on_hold", "order_total"]
    list_filter = [ReasonFilter, "integration", "on_hold"]
    search_fields = ["purchase_order_id", "customer_order_id", "lines__sku", "review_message"]
    list_select_related = ["integration"]
    ordering = ["order_date", "id"]
    actions = ["approve", "post_anyway", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=MarketplaceOrder.Status.NEEDS_REVIEW)

    # The queue shows orders: the order permissions apply (the proxy has no rows of its own).
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("syncs.view_marketplaceorder")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_review_permission(self, request):
        return request.user.has_perm("syncs.review_order")

    def has_post_anyway_permission(self, request):
        return request.user.has_perm("syncs.post_anyway")

    @admin.display(description="reason", ordering="review_reason")
    def reason(self, obj):
        return format_html('{}<br><code>{}</code>', review.REVIEW_REASONS.get(obj.review_reason, obj.review_reason),
                           obj.review_reason)

    @admin.display(description="problem")
    def problem(self, obj):
        # The whole message is on the order's page; the queue shows enough to triage.
        text = obj.review_message
        return text if len(text) <= 110 else text[:107] + "..."

    @admin.display(description="age", ordering="order_date")
    def age(self, obj):
        if not obj.order_date:
            return "-"
        minutes = int((timezone.now() - obj.order_date).total_seconds() // 60)
        return f"{minutes // 1440}d {minutes % 1440 // 60}h" if minutes >= 1440 else f"{minutes // 60}h{minutes % 60:02d}"

    @admin.display(description="acknowledge by")
    def ack_deadline_display(self, obj):
        deadline = obj.ack_deadline
        if deadline is None or obj.acknowledged_at:
            return "acknowledged" if obj.acknowledged_at else "-"
        late = deadline <= timezone.now()
        text = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
        return format_html('<strong style="color:#ba2121">{} (late)</strong>', text) if late else text

    @admin.action(description="Approve: re-validate now (after fixing a mapping or the stock)", permissions=["review"])
    def approve(self, request, queryset):
        orders = list(queryset.select_related("integration"))
        refused = []
        for order in orders:
            try:
                review.revalidate(order, request.user)
            except review.DecisionError as exc:
                refused.append(str(exc))
        by_integration = {}
        for order in orders:
            by_integration.setdefault(order.integration, []).append(order.pk)
        totals = {}
        for integration, ids in by_integration.items():
            fresh = MarketplaceOrder.objects.filter(pk__in=ids, status=MarketplaceOrder.Status.PENDING, on_hold=False)
            counts = validate(integration, orders=fresh.prefetch_related("lines__charges"), user=request.user)
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
        ready, back = totals.get("ready", 0), totals.get("needs_review", 0)
        self.message_user(request, f"{ready} order(s) passed and will post at the next run; {back} still need review"
                          + (f"; {totals['waiting']} wait for the ERP to answer" if totals.get("waiting") else "") + ".",
                          messages.SUCCESS if not back else messages.WARNING)
        for text in refused[:10]:
            self.message_user(request, text, messages.WARNING)

    @admin.action(description="Post anyway, without validation (state why)", permissions=["post_anyway"])
    def post_anyway(self, request, queryset):
        form = PostAnywayForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            return self._decide(request, queryset, lambda o: review.post_anyway(o, request.user, form.cleaned_data["reason"]),
                                "will post at the next run")
        return self._form(request, queryset, form, "post_anyway", "Post without validation")

    @admin.action(description="Reject: cancel the lines on Walmart", permissions=["review"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            return self._decide(request, queryset, lambda o: review.reject(o, request.user, form.cleaned_data["cancel_reason"]),
                                "rejected; their lines are cancelled on Walmart at the next run")
        return self._form(request, queryset, form, "reject", "Reject and cancel on Walmart")

    def _decide(self, request, queryset, decide, outcome):
        done, refused = 0, []
        for order in queryset.select_related("integration"):
            try:
                decide(order)
                done += 1
            except review.DecisionError as exc:
                refused.append(str(exc))
        if done:
            self.message_user(request, f"{done} order(s) {outcome}.")
        for text in refused[:10]:
            self.message_user(request, text, messages.ERROR)
        return None

    def _form(self, request, queryset, form, action, title):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, "form": form,
                   "orders": queryset, "action": action, "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)}
        return TemplateResponse(request, "admin/syncs/review_decision.html", context)
