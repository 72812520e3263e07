"""URLs of the infor_m3 emulator, mounted at /sandbox/infor_m3/."""

urlpatterns = []
