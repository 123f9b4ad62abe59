from django.contrib import admin
from django.urls import include, path

from comunitas.api import api, cached_read_urls

api_urls = api.urls
# The API first: its prefix is tried once, instead of every page pattern before it; before it,
# the few reads that scripts get from the cache without going through ninja (comunitas/api.py).
urlpatterns = [
    *cached_read_urls(api_urls),
    path("api/v1/", api_urls),
    path("", include("comunitas.core.urls")),
    path("", include("comunitas.members.urls")),
    path("", include("comunitas.commons.urls")),
    path("", include("comunitas.projects.urls")),
    path("", include("comunitas.decisions.urls")),
    path("", include("comunitas.economy.urls")),
    path("account/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
