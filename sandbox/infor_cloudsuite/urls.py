"""URLs of the infor_cloudsuite emulator, mounted at /sandbox/infor_cloudsuite/."""

urlpatterns = []
