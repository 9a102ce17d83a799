"""The platform's URL conf plus one file route nobody has written an audit case for (as when
the case-attachment download lands): ``test_file_routes`` must notice it."""

from django.http import HttpResponse
from django.urls import path

from shangwu.urls import urlpatterns as platform_urlpatterns


def _download(request, pk):
    return HttpResponse(b"file")


urlpatterns = [
    *platform_urlpatterns,
    path("cases/attachments/<int:pk>/download/", _download, name="new_attachment_download"),
]
