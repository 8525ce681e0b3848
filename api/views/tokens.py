"""The API tokens page: a signed-in person makes (shown once) and revokes their own tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import NewTokenForm
from api.selectors.tokens import token_of, tokens_of
from api.services.tokens import create_token, revoke_token


def _is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


@never_cache  # the page that shows a new token once must not be kept by any cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = NewTokenForm(request.POST or None)
    new_secret = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        new_token, new_secret = create_token(
            request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            second_factor=_is_verified(request),
        )
        form = NewTokenForm()
    context = {
        "form": form,
        "tokens": tokens_of(request.user),
        "new_token": new_token,
        "new_secret": new_secret,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_of(request.user, token_id)
    if token is None:
        raise Http404
    revoke_token(token, actor=request.user)
    messages.success(
        request, _("The token ‘%(name)s’ is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens")
