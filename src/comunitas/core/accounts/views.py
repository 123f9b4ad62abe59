"""The logged-in person's own page: roles and personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.accounts import services
from comunitas.core.accounts.forms import TokenForm
from comunitas.core.models import ApiToken, Role
from comunitas.core.submission import submit


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = submit(
        request,
        form,
        lambda: services.api_token_create(user=request.user, name=form.cleaned_data["name"]),
    )
    new_token = created[1] if created else None
    if created:
        form = TokenForm()
    context = {
        "form": form,
        # Shown once, in this response only: never stored in a message or the session.
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user),
        "roles": Role.objects.filter(user=request.user).select_related("coop__seat"),
    }
    return render(request, "core/profile.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token is revoked: scripts using it stop working now."))
    return redirect("core:profile")
