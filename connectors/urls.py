"""Interactive authorization flows (the "Connect to Exact Online" redirect and callback)."""

urlpatterns = []
