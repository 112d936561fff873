"""Alerts: when an indicator's verdict changes, a strategy's evidence crosses a threshold, or a
commitment falls overdue, each subscriber hears once, by email and/or a signed webhook.

`check(collaborative)` (run by the worker after every load that changes data, see
`civicloop.declare.tasks`, and by ``civicloop declare alerts``):

1. brings learn's stored analyses up to date;
2. reads the state of every watched thing: each indicator's trend verdict for the whole
   place, each strategy's headline effect verdict (its status changes exactly when its
   interval or adjusted p-value crosses the threshold), each overdue commitment;
3. compares it with the state remembered in `Watch`: a change is an event (a verdict seen
   for the first time is only remembered; an overdue commitment is news at once);
4. creates one `Alert` per event and subscription, unique by (subscription, key): the key
   names the thing, the new state and how many times it has changed, so a second check
   creates nothing and nothing is sent twice;
5. delivers every alert not yet delivered, each channel once: a channel that fails is
   retried by the next check, up to `MAX_ATTEMPTS`.

Email goes through Django's mail framework: SMTP when ``CIVICLOOP_SMTP_URL`` is set
(``smtp://user:password@host:25``, ``smtp+starttls://...``, ``smtps://...``; the sender is
``?from=...`` or ``CIVICLOOP_ALERTS_FROM``), otherwise into the workspace's ``outbox/``
folder. A webhook is a JSON POST signed with the subscription's secret:
``X-Civicloop-Signature: sha256=<hex HMAC-SHA256 of the body>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civicloop import __version__
from civicloop.core import netguard
from civicloop.core.language import languages_of
from civicloop.declare.models import Alert, AlertKind, Subscription, Watch
from civicloop.learn import words
from civicloop.results.models import Collaborative, Indicator
from civicloop.results.queries import top_area

MAX_ATTEMPTS = 5
WEBHOOK_TIMEOUT = 10  # seconds
SIGNATURE_HEADER = "X-Civicloop-Signature"


@dataclass(frozen=True)
class Event:
    """The current state of one watched thing, and what to say if it is news."""

    kind: str
    watch: str  # what is watched: "verdict:indicator-12:area-1"
    state: str  # its state now: "improving"
    public: bool  # may the public hear of it (declared indicator, published decision...)
    subject: str
    body: str
    payload: dict
    news_at_first_sight: bool = False


@dataclass
class CheckReport:
    events: list[Event] = field(default_factory=list)  # what changed
    alerts: list[Alert] = field(default_factory=list)  # alerts created now
    sent: list[str] = field(default_factory=list)  # "email to x", "webhook to y", per alert
    failed: list[str] = field(default_factory=list)


# -- what is watched ------------------------------------------------------------------------------


def current_states(collaborative: Collaborative, language: str | None = None) -> list[Event]:
    # An alert is written once and kept, in its reader's language (`check`): the site's unless
    # asked, whoever runs the check.
    with translation.override(language or settings.LANGUAGE_CODE):
        return [
            *_verdicts(collaborative),
            *_strategies(collaborative),
            *_commitments(collaborative),
        ]


def _verdicts(collaborative: Collaborative) -> list[Event]:
    from civicloop.learn import store

    area = top_area(collaborative)
    if area is None:
        return []
    indicators = {i.pk: i for i in Indicator.objects.filter(result__collaborative=collaborative)}
    out = []
    for pk, entry in store.current_family(collaborative, area).items():
        ind = indicators[pk]
        verdict = entry.get("verdict") or {}
        status = verdict.get("status") or "not_enough_data"
        sentence = words.trend_sentence(entry, words.Units.of(ind))
        out.append(
            Event(
                kind=AlertKind.VERDICT,
                watch=f"verdict:indicator-{pk}:area-{area.pk}",
                state=status,
                public=ind.is_public,
                subject=_("%(indicator)s in %(area)s: now %(words)s")
                % {"indicator": ind.name, "area": area.name, "words": verdict.get("words", status)},
                body=sentence,
                payload={
                    "indicator": ind.slug,
                    "indicator_name": ind.name,
                    "area": area.code,
                    "status": status,
                    "words": verdict.get("words"),
                    "slope": verdict.get("slope"),
                    "slope_low": verdict.get("slope_low"),
                    "slope_high": verdict.get("slope_high"),
                    "p_adjusted": verdict.get("p_adjusted"),
                    "latest_period": (entry.get("latest") or {}).get("label"),
                },
            )
        )
    return out


def _strategies(collaborative: Collaborative) -> list[Event]:
    from civicloop.learn.models import StrategyEffect
    from civicloop.learn.store.strategies import effects_from_rows
    from civicloop.review.models import Decision

    rows = (
        StrategyEffect.objects.filter(strategy__collaborative=collaborative)
        .select_related("strategy", "indicator")
        .order_by("strategy__name", "indicator__order", "method")
    )
    effects = effects_from_rows(rows)
    declared = set(
        Decision.objects.filter(published=True, strategy__collaborative=collaborative).values_list(
            "strategy__slug", flat=True
        )
    )
    out = []
    for e in effects:
        threshold = words.p_text(e.p_adjusted)
        out.append(
            Event(
                kind=AlertKind.STRATEGY,
                watch=f"strategy:{e.strategy}:{e.indicator}",
                state=e.status,
                public=e.strategy in declared,
                subject=_("%(strategy)s: the evidence on %(indicator)s now says %(words)s")
                % {
                    "strategy": e.strategy_name,
                    "indicator": _lower_first(e.indicator_name),
                    "words": e.words,
                },
                body=_("%(sentence)s (Adjusted %(threshold)s; the threshold is 0.05.)")
                % {"sentence": e.sentence, "threshold": threshold},
                payload={
                    "strategy": e.strategy,
                    "strategy_name": e.strategy_name,
                    "indicator": e.indicator,
                    "status": e.status,
                    "words": e.words,
                    "estimate": e.estimate,
                    "low": e.low,
                    "high": e.high,
                    "p_adjusted": e.p_adjusted,
                    "method": e.method,
                },
            )
        )
    return out


def _lower_first(name: str) -> str:
    """ "Chronic absence in K-3" → "chronic absence in K-3" (an acronym keeps its case)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _commitments(collaborative: Collaborative) -> list[Event]:
    from civicloop.table.models import Commitment

    out = []
    for c in (
        Commitment.objects.filter(collaborative=collaborative)
        .overdue()
        .select_related("organisation")
    ):
        out.append(
            Event(
                kind=AlertKind.COMMITMENT,
                watch=f"commitment:{c.pk}",
                state=f"overdue:{c.due.isoformat()}",
                public=c.declared,
                subject=_("Overdue: %(organisation)s: %(title)s")
                % {"organisation": c.organisation.name, "title": c.title},
                body=_(
                    "%(organisation)s committed to: %(title)s. It was due on %(due)s and is "
                    "%(status)s."
                )
                % {
                    "organisation": c.organisation.name,
                    "title": c.title,
                    "due": date_format(c.due, "j F Y"),
                    "status": c.get_status_display().lower(),
                },
                payload={
                    "commitment": c.pk,
                    "organisation": c.organisation.slug,
                    "title": c.title,
                    "due": c.due.isoformat(),
                    "status": c.status,
                },
                news_at_first_sight=True,
            )
        )
    return out


# -- noticing changes, once -------------------------------------------------------------------------


def changes(collaborative: Collaborative, states: list[Event]) -> list[tuple[Event, str, str]]:
    """(event, previous state, alert key) for each watched thing whose state is news."""
    seen = {w.key: w for w in Watch.objects.filter(collaborative=collaborative)}
    out = []
    with transaction.atomic():
        for event in states:
            watch = seen.get(event.watch)
            if watch is None:
                watch = Watch.objects.create(
                    collaborative=collaborative, key=event.watch, state=event.state
                )
                if event.news_at_first_sight:
                    out.append((event, "", f"{event.watch}#0:{event.state}"))
                continue
            if watch.state == event.state:
                continue
            previous = watch.state
            # Only the process that moves the state from what it read reports the change.
            moved = Watch.objects.filter(pk=watch.pk, state=previous).update(
                state=event.state, changes=F("changes") + 1
            )
            if moved:
                out.append((event, previous, f"{event.watch}#{watch.changes + 1}:{event.state}"))
    return out


def check(collaborative: Collaborative, *, send: bool = True) -> CheckReport:
    """Notice what changed, create each subscriber's alerts once, and deliver them."""
    from civicloop.learn import store

    store.analyse(collaborative)
    report = CheckReport()
    subscriptions = list(Subscription.objects.filter(collaborative=collaborative, active=True))
    # Each alert is written in its reader's language: that of the person with the
    # subscription's address, else the site's (a webhook's words are the site's).
    reader = languages_of(s.email for s in subscriptions if s.email)
    site = settings.LANGUAGE_CODE
    states = current_states(collaborative, site)
    worded = {site: {e.watch: e for e in states}}
    for language in set(reader.values()) - {site}:
        worded[language] = {e.watch: e for e in current_states(collaborative, language)}
    for event, previous, key in changes(collaborative, states):
        report.events.append(event)
        for sub in subscriptions:
            if not sub.wants(event.kind, event.public):
                continue
            language = reader.get(sub.email, site)
            said = worded[language].get(event.watch, event)
            was = ""
            if previous and ":" not in previous:
                with translation.override(language):
                    was = " " + _("(was %(previous)s)") % {"previous": previous.replace("_", " ")}
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        subscription=sub,
                        key=key,
                        kind=event.kind,
                        subject=said.subject + was,
                        body=said.body,
                        payload={**event.payload, "previous": previous or None},
                    )
            except IntegrityError:  # another check created it first
                continue
            report.alerts.append(alert)
    if send:
        deliver(collaborative, report)
    return report


# -- delivery -----------------------------------------------------------------------------------------


def deliver(collaborative: Collaborative, report: CheckReport | None = None) -> CheckReport:
    """Send every alert of `collaborative` not yet delivered, each channel once."""
    report = report or CheckReport()
    pending = (
        Alert.objects.filter(subscription__collaborative=collaborative, attempts__lt=MAX_ATTEMPTS)
        .filter(
            (~Q(subscription__email="") & Q(email_sent_at__isnull=True))
            | (~Q(subscription__webhook_url="") & Q(webhook_sent_at__isnull=True))
        )
        .select_related("subscription")
        .order_by("created_at", "pk")
    )
    connection = None
    for alert in pending:
        # Claim it: a concurrent check that read the same attempts count gets 0 rows.
        if not Alert.objects.filter(pk=alert.pk, attempts=alert.attempts).update(
            attempts=F("attempts") + 1
        ):
            continue
        sub, errors, fields = alert.subscription, [], []
        if sub.email and alert.email_sent_at is None:
            try:
                connection = connection or email_connection()
                send_email(alert, connection)
                alert.email_sent_at = timezone.now()
                fields.append("email_sent_at")
                report.sent.append(f"email to {sub.email}: {alert.subject}")
            except Exception as exc:  # noqa: BLE001 - any failure is retried next time
                errors.append(f"email: {exc}")
        if sub.webhook_url and alert.webhook_sent_at is None:
            try:
                alert.webhook_status = send_webhook(alert)
                alert.webhook_sent_at = timezone.now()
                fields += ["webhook_sent_at", "webhook_status"]
                report.sent.append(f"webhook to {sub.webhook_url}: {alert.subject}")
            except Exception as exc:  # noqa: BLE001
                errors.append(f"webhook: {exc}")
        alert.error = "; ".join(errors)
        alert.save(update_fields=[*fields, "error"])
        report.failed += [f"{alert.subject}: {e}" for e in errors]
    return report


def email_connection():
    """SMTP from ``CIVICLOOP_SMTP_URL``; else the configured backend (the test suite's
    outbox); else files in the workspace's ``outbox/`` (nothing leaves the machine)."""
    url = os.environ.get("CIVICLOOP_SMTP_URL")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "smtp+starttls"):
            raise ValueError(
                "CIVICLOOP_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://"
            )
        return mail.get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host=parts.hostname or "localhost",
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_ssl=parts.scheme == "smtps",
            use_tls=parts.scheme == "smtp+starttls",
            timeout=WEBHOOK_TIMEOUT,
            fail_silently=False,
        )
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return mail.get_connection(fail_silently=False)
    outbox = settings.WORKSPACE.path / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    return mail.get_connection(
        "django.core.mail.backends.filebased.EmailBackend", file_path=str(outbox)
    )


def sender() -> str:
    url = os.environ.get("CIVICLOOP_SMTP_URL", "")
    chosen = parse_qs(urlsplit(url).query).get("from", [""])[0] if url else ""
    return chosen or os.environ.get("CIVICLOOP_ALERTS_FROM") or "civicloop@localhost"


def send_email(alert: Alert, connection) -> None:
    collab = alert.subscription.collaborative
    # The language the alert was written in (`check`): its reader's.
    language = languages_of([alert.subscription.email])[alert.subscription.email]
    with translation.override(language):
        why = _(
            "You receive this because %(name)s subscribed to alerts from %(collaborative)s. "
            "Each alert is sent once."
        ) % {"name": alert.subscription.name, "collaborative": collab.name}
    body = f"{alert.body}\n\n{why}"
    message = mail.EmailMessage(
        subject=f"[{collab.name}] {alert.subject}",
        body=body,
        from_email=sender(),
        to=[alert.subscription.email],
        connection=connection,
        headers={"X-Civicloop-Alert": alert.key},
    )
    message.send(fail_silently=False)


def webhook_body(alert: Alert) -> bytes:
    return json.dumps(
        {
            "id": alert.pk,
            "key": alert.key,
            "kind": alert.kind,
            "collaborative": alert.subscription.collaborative.slug,
            "subject": alert.subject,
            "text": alert.body,
            "data": alert.payload,
            "created_at": alert.created_at.isoformat(),
        },
        sort_keys=True,
    ).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and the tests): is `header` the signature of `body`?"""
    return hmac.compare_digest(sign(secret, body), header or "")


def send_webhook(alert: Alert) -> int:
    body = webhook_body(alert)
    request = urllib.request.Request(
        alert.subscription.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"civicloop/{__version__}",
            "X-Civicloop-Event": alert.kind,
            "X-Civicloop-Delivery": alert.key,
            SIGNATURE_HEADER: sign(alert.subscription.secret, body),
        },
    )
    try:
        # The address was checked when saved; the opener checks the address it connects to
        # again (DNS may have changed since), and never follows a redirect inward.
        netguard.check_url(alert.subscription.webhook_url)
        with netguard.opener().open(request, timeout=WEBHOOK_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HTTP {exc.code} from {alert.subscription.webhook_url}") from None
    except (netguard.UnsafeURL, urllib.error.URLError) as exc:
        if netguard.refused(exc):
            raise RuntimeError(f"refused: {netguard.refused(exc)}") from None
        raise
