"""URLs of the peoplesoft emulator, mounted at /sandbox/peoplesoft/."""

urlpatterns = []
