"""Pages of the economy app; the routes live next to their views."""

from comunitas.economy.cashbook import urls as cashbook_urls
from comunitas.economy.closing import urls as closing_urls
from comunitas.economy.fund import urls as fund_urls
from comunitas.economy.work import urls as work_urls

urlpatterns = [
    *cashbook_urls.urlpatterns,
    *work_urls.urlpatterns,
    *closing_urls.urlpatterns,
    *fund_urls.urlpatterns,
]
