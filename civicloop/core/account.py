"""A person's own account page (``/accounts/me/``): the name others see and the language
civicloop speaks to them in.

The language chosen here is the one their pages use once they sign in and the one every
email to them is written in (invitations, data reminders, alerts), whatever language the
person or process sending it speaks (`civicloop.core.language`). Saving it also sets the
switcher's cookie, so the page answers in it at once; the switcher still changes the pages
of one browser without changing the account.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.models import User


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "language")
        labels = {
            "display_name": gettext_lazy("Your name, as others at the table see it"),
            "language": gettext_lazy("Language"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", gettext_lazy("Not chosen: the browser's for pages, the site's for emails")),
            *settings.LANGUAGES,
        ]


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        language = user.language or translation.get_language_from_request(request)
        with translation.override(language):
            messages.success(request, _("Your account is saved."))
        response = redirect("account")
        if user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                path=settings.LANGUAGE_COOKIE_PATH,
            )
        else:
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH
            )
        return response
    return render(request, "core/account.html", {"form": form}, status=400 if form.errors else 200)
