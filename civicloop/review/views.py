"""Strategies, reviews and decisions: the pages of the review stage.

Everything here is for the collaborative's members (anyone else gets a 404, not told it
exists); the public reads what the table chose to publish on the declare stage's site.
Chairs and backbone admins change a strategy's status and schedule reviews; only a chair
signs a decision. Partners and analysts see everything, and change nothing here.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core import access
from civicloop.learn import store, words
from civicloop.results.models import Collaborative
from civicloop.review import decisions as rules
from civicloop.review import packet as packets
from civicloop.review.models import Decision, DecisionChoice, Review
from civicloop.table.models import Strategy, StrategyStatus


def _collaborative(request, slug: str) -> Collaborative:
    collab = get_object_or_404(Collaborative, slug=slug)
    if not access.is_member(request.user, collab):
        raise Http404("No such collaborative")
    return collab


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- strategies -----------------------------------------------------------------------------


@login_required
def strategies(request, slug: str):
    collab = _collaborative(request, slug)
    items = (
        Strategy.objects.filter(collaborative=collab)
        .select_related("start_period")
        .prefetch_related("owners", "indicators", "areas")
        .order_by("priority", "name")
    )
    status = request.GET.get("status", "")
    if status in StrategyStatus.values:
        items = items.filter(status=status)
    last = {}
    for d in Decision.objects.filter(strategy__collaborative=collab).select_related("review"):
        last.setdefault(d.strategy_id, d)  # newest first (the model's ordering)
    return render(
        request,
        "review/strategies.html",
        {
            "collaborative": collab,
            "strategies": items,
            "last_decision": last,
            "statuses": StrategyStatus.choices,
            "status": status,
        },
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"))
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Why"),
        help_text=gettext_lazy("Kept in the strategy's history for everyone at the table to read."),
    )

    def __init__(self, *args, strategy: Strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.fields["status"].choices = [("", "Choose a status…")] + [
            (value, text) for value, text in StrategyStatus.choices if value != strategy.status
        ]


@login_required
def strategy(request, slug: str, strategy_slug: str):
    collab = _collaborative(request, slug)
    item = get_object_or_404(
        Strategy.objects.select_related("start_period"), collaborative=collab, slug=strategy_slug
    )
    # The effects as learn reads them now (a page never writes), and what a review held
    # today would propose from them.
    effects, about, names = [], {}, []
    for ind in item.indicators.select_related("result").order_by("order"):
        about[ind.slug] = rules.About.of(ind)
        names.append(ind.name)
        for e in store.current_effects(ind):
            if e.strategy == item.slug:
                effects.append(
                    {
                        "effect": e,
                        "badge": words.badge(e.status),
                        "its_sentence": words.its_sentence(e, about[ind.slug].units),
                    }
                )
    proposal = rules.propose([x["effect"].as_dict() for x in effects], item.expected_change, about)
    expected = [
        f"{rules.expected_text(item.expected_change, a)} on {rules.lower_first(name)}"
        for name, a in zip(names, about.values(), strict=True)
        if item.expected_change is not None
    ]
    can_change = rules.can_change_status(request.user, collab)
    return render(
        request,
        "review/strategy.html",
        {
            "collaborative": collab,
            "strategy": item,
            "history": item.status_history.select_related("changed_by", "decision__review"),
            "commitments": item.commitments.select_related("organisation", "owner"),
            "effects": effects,
            "proposal": proposal,
            "expected": expected,
            "decisions": item.decisions.select_related("review", "signed_by"),
            "can_change": can_change,
            "form": StatusForm(strategy=item) if can_change else None,
            "today": timezone.localdate(),
        },
    )


@login_required
def strategy_status(request, slug: str, strategy_slug: str):
    """Change a strategy's status, with the reason (chairs and backbone admins)."""
    collab = _collaborative(request, slug)
    item = get_object_or_404(Strategy, collaborative=collab, slug=strategy_slug)
    if not rules.can_change_status(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins change a strategy's status.")
    form = StatusForm(request.POST or None, strategy=item)
    if request.method == "POST" and form.is_valid():
        before = item.get_status_display()
        try:
            rules.change_status(
                item, form.cleaned_data["status"], form.cleaned_data["why"], request.user
            )
        except rules.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{item.name}: {before} → {item.get_status_display()}.")
            return redirect("strategy", collab.slug, item.slug)
    return render(
        request,
        "review/strategy_status.html",
        {"collaborative": collab, "strategy": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# -- reviews --------------------------------------------------------------------------------


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["held_on", "title", "notes"]
        labels = {
            "held_on": gettext_lazy("Date of the meeting"),
            "notes": gettext_lazy("Agenda notes"),
        }
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, collaborative: Collaborative, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaborative = collaborative

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if Review.objects.filter(collaborative=self.collaborative, held_on=day).exists():
            raise forms.ValidationError(_("The table already has a review on that day."))
        return day


@login_required
def reviews(request, slug: str):
    collab = _collaborative(request, slug)
    can_manage = access.can_manage(request.user, collab)
    items = Review.objects.filter(collaborative=collab).prefetch_related("decisions")
    return render(
        request,
        "review/reviews.html",
        {
            "collaborative": collab,
            "reviews": items,
            "can_manage": can_manage,
            "form": ReviewForm(collaborative=collab, initial={"held_on": timezone.localdate()})
            if can_manage
            else None,
        },
    )


@login_required
def review_new(request, slug: str):
    collab = _collaborative(request, slug)
    if not access.can_manage(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins schedule a review.")
    form = ReviewForm(
        request.POST or None, collaborative=collab, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.collaborative, item.created_by = collab, request.user
        item.save()
        messages.success(request, _("The review is scheduled; its packet is below."))
        return redirect(item)
    return render(
        request,
        "review/review_form.html",
        {"collaborative": collab, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _review(request, slug: str, pk: int) -> tuple[Collaborative, Review]:
    collab = _collaborative(request, slug)
    return collab, get_object_or_404(Review, collaborative=collab, pk=pk)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=DecisionChoice.choices, label=gettext_lazy("The table decides")
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Rationale"),
        help_text=gettext_lazy(
            "Why the table decided this; kept in the decision log with the evidence."
        ),
    )
    published = forms.BooleanField(
        required=False, label=gettext_lazy("Publish in the public decision log")
    )


def _packet_context(request, collab: Collaborative, review: Review) -> dict:
    packet = packets.for_review(review)
    recorded = {
        d.strategy.slug: d for d in review.decisions.select_related("strategy", "signed_by")
    }
    return {
        "collaborative": collab,
        "review": review,
        "packet": packet,
        "indicators": {r["slug"]: r for r in packet["indicators"]},
        "decisions": recorded,
        "can_sign": rules.can_sign(request.user, collab),
        "choices": DecisionChoice.choices,
    }


@login_required
def review(request, slug: str, pk: int):
    """The packet page: what the table needs at the meeting, print-friendly."""
    collab, item = _review(request, slug, pk)
    return render(request, "review/packet.html", _packet_context(request, collab, item))


@login_required
def review_pdf(request, slug: str, pk: int):
    """The packet as a PDF a chair can print for the meeting."""
    from civicloop.review.pdf import packet_pdf

    collab, item = _review(request, slug, pk)
    data = packet_pdf(_packet_context(request, collab, item))
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{collab.slug}-review-{item.held_on.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def review_decide(request, slug: str, pk: int, strategy_slug: str):
    """Record the table's decision on one strategy (a chair signs it). With HTMX, answers
    with the strategy's decision block only."""
    collab, item = _review(request, slug, pk)
    target = get_object_or_404(Strategy, collaborative=collab, slug=strategy_slug)
    if not rules.can_sign(request.user, collab):
        raise PermissionDenied("Only a chair of the collaborative signs the table's decisions.")
    packet = packets.for_review(item)
    entry = packets.strategy_entry(packet, target.slug)
    if entry is None:
        raise Http404("This review has no evidence on that strategy.")
    initial = {"decision": entry["proposal"]["decision"]}
    form = DecisionForm(request.POST or None, initial=initial)
    recorded = Decision.objects.filter(review=item, strategy=target).first()
    if request.method == "POST" and recorded is None and form.is_valid():
        try:
            recorded = rules.record_decision(
                item,
                target,
                form.cleaned_data["decision"],
                form.cleaned_data["rationale"],
                request.user,
                published=form.cleaned_data["published"],
            )
        except rules.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            if not _is_htmx(request):
                messages.success(
                    request,
                    _("Recorded: %(get_decision_display)s for %(target_name)s.")
                    % {
                        "get_decision_display": recorded.get_decision_display(),
                        "target_name": target.name,
                    },
                )
                return redirect(f"{item.get_absolute_url()}#strategy-{target.slug}")
    context = {
        "collaborative": collab,
        "review": item,
        "s": entry,
        "decision": recorded,
        "form": form,
        "can_sign": True,
        "choices": DecisionChoice.choices,
    }
    if _is_htmx(request):
        return render(request, "review/_decision.html", context)
    return render(
        request,
        "review/decide.html",
        context,
        status=400 if request.method == "POST" and recorded is None else 200,
    )


# -- the decision log -------------------------------------------------------------------------


@login_required
def decisions(request, slug: str):
    collab = _collaborative(request, slug)
    q = request.GET.get("q", "").strip()
    strategy_slug = request.GET.get("strategy", "")
    decision = request.GET.get("decision", "")
    if decision not in DecisionChoice.values:
        decision = ""
    found = rules.search(collab, q=q, strategy=strategy_slug, decision=decision)
    return render(
        request,
        "review/decisions.html",
        {
            "collaborative": collab,
            "decisions": found,
            "q": q,
            "strategy": strategy_slug,
            "decision": decision,
            "strategies": Strategy.objects.filter(collaborative=collab).order_by("name"),
            "choices": DecisionChoice.choices,
        },
    )
