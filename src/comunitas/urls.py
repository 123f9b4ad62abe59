from django.contrib import admin
from django.urls import include, path

from comunitas.api import api

# The API first: its prefix is tried once, instead of every page pattern before it.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("comunitas.core.urls")),
    path("", include("comunitas.members.urls")),
    path("", include("comunitas.commons.urls")),
    path("", include("comunitas.projects.urls")),
    path("", include("comunitas.decisions.urls")),
    path("account/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
