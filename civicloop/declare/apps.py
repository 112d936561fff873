from __future__ import annotations

from django.apps import AppConfig


class DeclareConfig(AppConfig):
    name = "civicloop.declare"
    label = "declare"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from civicloop.declare.models import Declaration
        from civicloop.declare.stamps import forget_stamps

        # The live public pages are cached under a stamp read once a second; a declaration
        # changed in this process is shown at once.
        post_save.connect(forget_stamps, sender=Declaration, dispatch_uid="declare-stamps")

        from civicloop.declare.tasks import after_load
        from civicloop.measure.signals import observations_changed

        # New data may change a verdict: analyses and alerts catch up in the background.
        observations_changed.connect(after_load, dispatch_uid="declare-after-load")

        from civicloop.results.approval import approvals_changed

        # Approving or withdrawing values changes the public pages and may change a verdict.
        approvals_changed.connect(forget_stamps, dispatch_uid="declare-stamps-approvals")
        approvals_changed.connect(after_load, dispatch_uid="declare-after-approval")
