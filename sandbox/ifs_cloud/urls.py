"""URLs of the ifs_cloud emulator, mounted at /sandbox/ifs_cloud/."""

urlpatterns = []
