"""Pages of the member book, capability by capability."""

from comunitas.members.book import urls as book_urls
from comunitas.members.imports import urls as imports_urls
from comunitas.members.outputs import urls as outputs_urls
from comunitas.members.portal import urls as portal_urls
from comunitas.members.shares import urls as shares_urls

urlpatterns = [
    *book_urls.urlpatterns,
    *shares_urls.urlpatterns,
    *portal_urls.urlpatterns,
    *outputs_urls.urlpatterns,
    *imports_urls.urlpatterns,
]
