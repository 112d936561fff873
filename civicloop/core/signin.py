"""The sign-in page, which on a demo workspace says where the demo's logins are.

A newcomer who ran ``civicloop demo`` and then opened the site later has lost the terminal
line with the logins; the page names the users and where the password was printed, and
never prints the password itself (an ordinary workspace shows nothing extra).
"""

from __future__ import annotations

from django.contrib.auth.views import LoginView


class SignInView(LoginView):
    def get_context_data(self, **kwargs):
        from civicloop.demo.install import DEMO_USERS, SLUG
        from civicloop.results.models import Collaborative

        context = super().get_context_data(**kwargs)
        if Collaborative.objects.filter(slug=SLUG, is_synthetic=True).exists():
            context["demo_usernames"] = [username for username, *_ in DEMO_USERS]
        return context
