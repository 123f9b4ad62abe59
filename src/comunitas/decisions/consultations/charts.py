"""The results of a consultation as pictures: horizontal bars as SVG coordinates (no JavaScript:
the page and a PDF show the same chart; the table after each chart is its text alternative), and
each round of an instant runoff told in words."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from comunitas.decisions.consultations import selectors
from comunitas.decisions.consultations.counting import (
    FEWEST,
    NO_VOTES,
    TIE_EARLIER_ROUND,
    TIE_ORDER,
)
from comunitas.decisions.models.consultations import ConsultationKind

CHART = {"label": 220, "bar": 320, "row": 30, "top": 10, "value": 120}


def bar_chart(bars: list[dict[str, Any]], scale: int | float) -> dict[str, Any]:
    """Horizontal bars as SVG coordinates (no JavaScript: the page and a PDF show the same
    chart). Each bar: ``label``, ``text`` (its value in words) and ``parts`` [(value, class)];
    ``scale`` is the value of a full bar. The table after each chart is its text alternative."""
    c = CHART
    shaped = []
    for i, bar in enumerate(bars):
        y = c["top"] + i * c["row"]
        x = c["label"]
        parts = []
        for value, css in bar["parts"]:
            width = round(c["bar"] * float(value) / float(scale), 1) if scale else 0
            if width:
                parts.append({"x": x, "width": width, "css": css})
            x += width
        shaped.append(
            {
                **bar,
                "y": y,
                "bar_y": y + 5,
                "text_y": y + c["row"] // 2 + 4,
                "parts": parts,
                "value_x": x + 6,
            }
        )
    return {
        "width": c["label"] + c["bar"] + c["value"],
        "height": 2 * c["top"] + max(len(bars), 1) * c["row"],
        "left": c["label"],
        "bar_height": c["row"] - 10,
        "bars": shaped,
    }


def _share(value) -> str:
    return "" if value is None else f" ({number_format(value)} %)"


def results_chart(found: selectors.Results) -> dict[str, Any]:
    """The chart of a kind's results: counts (with their shares), mean scores, dots, or the
    yes and if-need-be answers of each time slot."""
    kind = found.consultation.kind
    bars = []
    for row in found.options:
        if kind == ConsultationKind.SCORE:
            text = selectors.DASH if row.mean is None else f"{number_format(row.mean)} / 5"
            bars.append({"label": row.label, "text": text, "parts": [(row.mean or 0, "main")]})
        elif kind == ConsultationKind.DOTS:
            text = f"{row.total}{_share(row.percent)}"
            bars.append({"label": row.label, "text": text, "parts": [(row.total, "main")]})
        elif kind == ConsultationKind.MEETING:
            text = _("%(yes)s yes, %(maybe)s if need be") % {"yes": row.yes, "maybe": row.maybe}
            bars.append(
                {
                    "label": row.label,
                    "text": text,
                    "parts": [(row.yes, "main"), (row.maybe, "soft")],
                }
            )
        else:
            text = f"{row.count}{_share(row.percent)}"
            bars.append({"label": row.label, "text": text, "parts": [(row.count, "main")]})
    if kind == ConsultationKind.SCORE:
        scale = 5
    elif kind == ConsultationKind.DOTS:
        scale = max([row.total for row in found.options] + [1])
    elif kind == ConsultationKind.MEETING:
        scale = max(found.participants, 1)
    elif kind == ConsultationKind.RANKED:
        scale = max(found.rounds[0].continuing if found.rounds else 0, 1)
    else:
        scale = max(found.participants, 1)
    return bar_chart(bars, scale)


def round_chart(round_: selectors.RoundView) -> dict[str, Any]:
    return bar_chart(
        [
            {
                "label": selectors.slot_label(option),
                "text": f"{n}{_share(share)}",
                "parts": [(n, "main")],
            }
            for option, n, share in round_.counts
        ],
        max(round_.continuing, 1),
    )


def reason_text(round_: selectors.RoundView) -> str:
    names = ", ".join(selectors.slot_label(o) for o in round_.eliminated)
    tied = ", ".join(selectors.slot_label(o) for o in round_.tied)
    if round_.reason == NO_VOTES:
        return _("%(names)s: no ballot counted for them, eliminated together.") % {"names": names}
    if round_.reason == FEWEST:
        return _("%(name)s had the fewest ballots and is eliminated.") % {"name": names}
    if round_.reason == TIE_EARLIER_ROUND:
        return _(
            "%(tied)s were tied with the fewest ballots; %(name)s had fewer in an earlier round "
            "and is eliminated."
        ) % {"tied": tied, "name": names}
    if round_.reason == TIE_ORDER:
        return _(
            "%(tied)s were tied with the fewest ballots in every round so far; %(name)s, listed "
            "last, is eliminated."
        ) % {"tied": tied, "name": names}
    return ""
