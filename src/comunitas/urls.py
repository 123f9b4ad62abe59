from django.contrib import admin
from django.urls import include, path

from comunitas.api import api

urlpatterns = [
    path("", include("comunitas.core.urls")),
    path("", include("comunitas.members.urls")),
    path("", include("comunitas.commons.urls")),
    path("account/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
