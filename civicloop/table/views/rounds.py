"""Prioritisation rounds: open, score (or place dots), see the ranking and agreement, close.

Chairs and backbone admins open and close rounds. Each seated organisation votes once,
through its own members, and may change its ballot until the round closes. Everything is
visible to the table, attributed to organisations unless the round is anonymous; the
public sees only the decision of a declared round.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicloop.core import access
from civicloop.table import rounds as prioritise
from civicloop.table.models import (
    SCORE_MAX,
    SCORE_MIN,
    Ballot,
    RoundMethod,
    RoundStatus,
    Strategy,
    StrategyStatus,
)
from civicloop.table.views.common import member_collaborative, visible_collaborative


def rounds(request, slug: str):
    collab = visible_collaborative(request, slug)
    qs = prioritise.visible_rounds(request.user, collab).select_related("result")
    items = sorted(qs, key=lambda r: (r.status != RoundStatus.OPEN, -r.opened_at.timestamp()))
    return render(
        request,
        "table/rounds.html",
        {
            "collaborative": collab,
            "rounds": items,
            "is_member": access.is_member(request.user, collab),
            "can_open": prioritise.can_open_or_close(request.user, collab),
        },
    )


class RoundForm(forms.Form):
    title = forms.CharField(max_length=200)
    question = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Every table (all seated organisations vote)"),
        help_text=gettext_lazy("Only the organisations seated at this result's table vote."),
    )
    candidates = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Candidate strategies"),
    )
    method = forms.ChoiceField(
        choices=RoundMethod.choices, widget=forms.RadioSelect, initial=RoundMethod.SCORES
    )
    dots_per_voter = forms.IntegerField(
        min_value=1, max_value=100, initial=10, label=gettext_lazy("Dots for each organisation")
    )
    anonymous = forms.BooleanField(
        required=False, help_text=gettext_lazy("The table sees every score, but not who gave it.")
    )
    closes_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Planned close"),
    )

    def __init__(self, *args, collaborative=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = collaborative.results.all()
        strategies = Strategy.objects.filter(collaborative=collaborative).exclude(
            status=StrategyStatus.STOPPED
        )
        self.fields["candidates"].queryset = strategies
        self.fields["candidates"].initial = list(strategies)

    def clean_candidates(self):
        chosen = self.cleaned_data["candidates"]
        if len(chosen) < 2:
            raise forms.ValidationError(_("Choose at least two strategies to rank."))
        return chosen


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    help = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("What a high score means")
    )
    weight = forms.FloatField(min_value=0.01, required=False, label=gettext_lazy("Weight"))

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("weight"):
            self.add_error("weight", _("Give each criterion a weight."))
        return data


CriterionFormSet = formset_factory(CriterionForm, extra=2)


@login_required
def round_new(request, slug: str):
    collab = member_collaborative(request, slug)
    if not prioritise.can_open_or_close(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins open a round.")
    data = request.POST if request.method == "POST" else None
    form = RoundForm(data, collaborative=collab)
    criteria = CriterionFormSet(
        data,
        prefix="criteria",
        initial=[
            {"name": name, "help": help_, "weight": weight}
            for name, help_, weight in prioritise.DEFAULT_CRITERIA
        ],
    )
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        chosen = [
            (c["name"], c.get("help", ""), c["weight"])
            for c in criteria.cleaned_data
            if c.get("name")
        ]
        try:
            round_ = prioritise.open_round(
                collab,
                request.user,
                title=form.cleaned_data["title"],
                question=form.cleaned_data["question"],
                result=form.cleaned_data["result"],
                strategies=list(form.cleaned_data["candidates"]),
                method=form.cleaned_data["method"],
                anonymous=form.cleaned_data["anonymous"],
                dots_per_voter=form.cleaned_data["dots_per_voter"],
                closes_on=form.cleaned_data["closes_on"],
                criteria=chosen,
            )
        except prioritise.BallotError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The round is open: every seated organisation can vote."))
            return redirect(round_)
    return render(
        request,
        "table/round_form.html",
        {"collaborative": collab, "form": form, "criteria": criteria},
    )


def _round(request, slug: str, pk: int):
    collab = visible_collaborative(request, slug)
    round_ = get_object_or_404(
        prioritise.visible_rounds(request.user, collab).select_related("result", "opened_by"),
        pk=pk,
    )
    return collab, round_


def round_detail(request, slug: str, pk: int):
    collab, round_ = _round(request, slug, pk)
    member = access.is_member(request.user, collab)
    result = prioritise.outcome(round_)
    can_close = round_.is_open and prioritise.can_open_or_close(request.user, collab)
    voting = prioritise.voting_for(request.user, round_)
    voted = set(
        Ballot.objects.filter(round=round_, organisation__in=voting).values_list(
            "organisation_id", flat=True
        )
    )
    return render(
        request,
        "table/round.html",
        {
            "collaborative": collab,
            "round": round_,
            "outcome": result,
            "is_member": member,
            "voting": [(org, org.pk in voted) for org in voting],
            "can_close": can_close,
            "spec": _spread_chart(round_, result) if member and result.ballots else None,
            "scale": (SCORE_MIN, SCORE_MAX),
        },
    )


def _spread_chart(round_, result: prioritise.Outcome) -> dict:
    """Each organisation's score for each strategy, and the mean: Vega-Lite."""
    scores = round_.method == RoundMethod.SCORES
    values = [
        {
            "strategy": line.strategy.name,
            "voter": label,
            "value": round(value, 2),
            "rank": line.rank,
        }
        for line in result.lines
        for label, value in line.values
    ]
    order = [line.strategy.name for line in result.lines]
    what = "Weighted score (1-5)" if scores else "Dots"
    x_scale = (
        {"domain": [SCORE_MIN, SCORE_MAX], "nice": False, "zero": False}
        if scores
        else {"zero": True}
    )
    y = {"field": "strategy", "type": "nominal", "sort": order, "title": None}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"{what} each organisation gave each strategy, with the mean",
        "width": "container",
        "height": {"step": 36},
        "data": {"values": values},
        "encoding": {"y": y},
        "layer": [
            {
                "mark": {"type": "circle", "opacity": 0.45, "size": 80, "color": "#0b5cad"},
                "encoding": {
                    "x": {
                        "field": "value",
                        "type": "quantitative",
                        "title": what,
                        "scale": x_scale,
                    },
                    "tooltip": [
                        {"field": "voter", "title": "Voter"},
                        {"field": "value", "title": what},
                    ],
                },
            },
            {
                "mark": {"type": "tick", "thickness": 3, "size": 28, "color": "#1b1f24"},
                "encoding": {
                    "x": {
                        "aggregate": "mean",
                        "field": "value",
                        "type": "quantitative",
                        "scale": x_scale,
                    },
                    "tooltip": [
                        {"field": "strategy", "title": "Strategy"},
                        {"aggregate": "mean", "field": "value", "title": "Mean", "format": ".2f"},
                    ],
                },
            },
        ],
    }


class BallotForm(forms.Form):
    """One field per strategy x criterion (scores) or per strategy (dots)."""

    def __init__(self, *args, round_=None, strategies=(), criteria=(), ballot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.grid = []
        existing_scores = {}
        existing_dots = {}
        if ballot is not None:
            existing_scores = {
                (s.strategy_id, s.criterion_id): s.value for s in ballot.scores.all()
            }
            existing_dots = {d.strategy_id: d.dots for d in ballot.dots.all()}
        choices = [("", "—")] + [(str(v), str(v)) for v in range(SCORE_MIN, SCORE_MAX + 1)]
        for strategy in strategies:
            row = []
            if round_.method == RoundMethod.SCORES:
                for criterion in criteria:
                    name = f"score_{strategy.pk}_{criterion.pk}"
                    self.fields[name] = forms.TypedChoiceField(
                        choices=choices,
                        coerce=int,
                        label=f"{strategy.name}: {criterion.name}",
                        initial=existing_scores.get((strategy.pk, criterion.pk)),
                    )
                    row.append(self[name])
            else:
                name = f"dots_{strategy.pk}"
                self.fields[name] = forms.IntegerField(
                    min_value=0,
                    max_value=round_.dots_per_voter,
                    initial=existing_dots.get(strategy.pk, 0),
                    label=_("Dots for %(strategy_name)s") % {"strategy_name": strategy.name},
                )
                row.append(self[name])
            self.grid.append((strategy, row))

    def scores(self) -> dict[tuple[int, int], int]:
        out = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("score_"):
                _kind, s, c = name.split("_")
                out[(int(s), int(c))] = value
        return out

    def dots(self) -> dict[int, int]:
        return {
            int(name.split("_")[1]): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("dots_")
        }


@login_required
def ballot(request, slug: str, pk: int):
    collab = member_collaborative(request, slug)
    _collab, round_ = _round(request, slug, pk)
    voting = prioritise.voting_for(request.user, round_)
    if not voting:
        raise PermissionDenied(
            "Only members of an organisation seated at this table vote, while the round is open."
        )
    wanted = request.POST.get("organisation") or request.GET.get("for")
    org = next((o for o in voting if o.slug == wanted), None) if wanted else voting[0]
    if org is None:
        raise PermissionDenied("You cannot vote for that organisation.")
    existing = Ballot.objects.filter(round=round_, organisation=org).first()
    strategies = prioritise.candidates(round_)
    criteria = list(round_.criteria.all())
    form = BallotForm(
        request.POST or None,
        round_=round_,
        strategies=strategies,
        criteria=criteria,
        ballot=existing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            prioritise.save_ballot(
                round_,
                org,
                request.user,
                scores=form.scores() if round_.method == RoundMethod.SCORES else None,
                dots=form.dots() if round_.method == RoundMethod.DOTS else None,
            )
        except prioritise.BallotError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(org_name)s's ballot is saved; you can change it until the round closes.")
                % {"org_name": org.name},
            )
            return redirect(round_)
    return render(
        request,
        "table/ballot.html",
        {
            "collaborative": collab,
            "round": round_,
            "organisation": org,
            "voting": voting,
            "form": form,
            "criteria": criteria,
            "existing": existing,
        },
    )


@login_required
@require_POST
def round_close(request, slug: str, pk: int):
    collab = member_collaborative(request, slug)
    _collab, round_ = _round(request, slug, pk)
    if not prioritise.can_open_or_close(request.user, collab):
        raise PermissionDenied("Only chairs and backbone admins close a round.")
    ranks = {}
    for strategy in prioritise.candidates(round_):
        raw = request.POST.get(f"rank_{strategy.pk}", "")
        try:
            ranks[strategy.pk] = int(raw)
        except ValueError:
            messages.error(
                request,
                _("Give %(strategy_name)s a priority (1 = first).")
                % {"strategy_name": strategy.name},
            )
            return redirect(round_)
    try:
        prioritise.close(
            round_,
            request.user,
            decision=request.POST.get("decision", ""),
            ranks=ranks,
            declared=request.POST.get("declared") == "1",
        )
    except prioritise.BallotError as exc:
        messages.error(request, _("Not closed: %(exc)s.") % {"exc": exc})
        return redirect(round_)
    messages.success(request, _("The round is closed; its order is now the strategies' priority."))
    return redirect(round_)
