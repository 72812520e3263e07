"""URLs of the exact_online emulator, mounted at /sandbox/exact_online/."""

urlpatterns = []
