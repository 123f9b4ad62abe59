"""The yearly money-flow diagram (Sankey): where the year's money came from, where it went, how
the result was allocated and which projects the reinvestment fund paid for.

Columns, left to right:

0. revenue by common resource (income naming one) and by category (the rest); a loss year adds
   the loss, which the cooperative covered from its reserves;
1. the cooperative;
2. wages to workers living in the territory / outside / residence not recorded
   (``Movement.job.lives_in_territory``), purchases from local / non-local / not recorded
   suppliers (``Counterparty.municipality`` among the municipalities the cooperative serves,
   the same test as ``members.book.selectors.with_territory``), other costs; then the allocation of
   the closing's result (reserves, fondi mutualistici, ristorni, dividends, the reinvestment
   fund), or "not allocated yet";
3. the projects the reinvestment fund's earmarks paid for in the year (already among the year's
   costs: this column follows the fund's money to where it went), and what the fund keeps.

Every value is an exact Decimal and every node balances: what enters the cooperative leaves it,
the allocation adds up to the result. When the closing's result (from the approved financial
statement) differs from the cash book's, the difference is its own node, so nothing is forced.
A group whose total is negative (refunds above sales) changes side.

The layout is computed here into SVG coordinates (no JavaScript, no library), so the page and
its PDF show the same picture. Three queries: the year's movements grouped, the closing with
its lines, the earmarks' spending by project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Case, Q, Sum, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comunitas.core.formatting import euro
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cooperative
from comunitas.economy.cashbook import ledger
from comunitas.economy.fund.selectors import flow_closing
from comunitas.economy.models import (
    AllocationKind,
    Closing,
    ClosingStatus,
    Direction,
    Flow,
    Movement,
)

# The design tokens of web/static/comunitas/css/site.css, as SVG attributes need them (WeasyPrint
# does not resolve CSS custom properties inside an SVG).
COLOURS = {
    "revenue": "#1f5c45",  # --c-brand
    "coop": "#1d2321",  # --c-ink
    "local": "#1f5c45",
    "outside": "#8a3b12",  # --c-accent
    "unknown": "#4f5b57",  # --c-muted
    "other": "#4f5b57",
    "allocation": "#4a2a80",  # --c-synthetic-ink
    "fund": "#1f5c45",
    "loss": "#a4161a",  # --c-error
}
INK = "#1d2321"
LINE = "#d5d9d3"  # --c-line

# Layout, in SVG units.
WIDTH = 1000
NODE_WIDTH = 14
GAP = 24  # room for a label of two lines next to a thin node
TOP = 16
PLOT_HEIGHT = 460
LEFT_LABELS = 270
RIGHT_LABELS = 170
# Where each column stands across the plot: the costs and the allocation have long labels, so
# the projects stand well to their right.
COLUMN_AT = (0.0, 0.26, 0.5, 1.0)
MIN_NODE = 2.0


@dataclass
class Node:
    key: str
    label: str
    column: int
    value: Decimal = ZERO
    colour: str = COLOURS["other"]
    x: float = 0
    y: float = 0
    height: float = 0
    # where the next link leaves / arrives, from the top of the node
    out_offset: float = 0
    in_offset: float = 0

    @property
    def amount(self) -> str:
        return euro(self.value)


@dataclass
class Link:
    source: str
    target: str
    value: Decimal
    colour: str = COLOURS["other"]
    path: str = ""
    width: float = 0


@dataclass
class MoneyFlow:
    year: int
    status: str  # "approved", "draft" (a closing not approved) or "none" (no closing)
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    revenue: Decimal = ZERO
    costs: Decimal = ZERO
    result: Decimal = ZERO
    width: int = WIDTH
    height: int = 0

    @property
    def approved(self) -> bool:
        return self.status == ClosingStatus.APPROVED

    @property
    def empty(self) -> bool:
        return not self.links

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    def inflow(self, key: str) -> Decimal:
        return sum((lk.value for lk in self.links if lk.target == key), ZERO)

    def outflow(self, key: str) -> Decimal:
        return sum((lk.value for lk in self.links if lk.source == key), ZERO)

    def labelled_links(self) -> list[tuple[str, str, Decimal]]:
        labels = {n.key: n.label for n in self.nodes}
        return [(labels[lk.source], labels[lk.target], lk.value) for lk in self.links]

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "status": self.status,
            "revenue": str(self.revenue),
            "costs": str(self.costs),
            "result": str(self.result),
            "nodes": [
                {"id": n.key, "label": n.label, "column": n.column, "value": str(n.value)}
                for n in self.nodes
            ],
            "links": [
                {"source": lk.source, "target": lk.target, "value": str(lk.value)}
                for lk in self.links
            ],
        }


def year_range(year: int) -> Q:
    return Q(on_date__gte=date(year, 1, 1), on_date__lt=date(year + 1, 1, 1))


def _grouped_movements(coop: Cooperative, year: int):
    """One GROUP BY: income by resource and category, expense by flow, worker's residence and
    supplier's place."""
    return (
        Movement.objects.filter(year_range(year), coop=coop)
        .annotate(
            local=ledger.served_by(coop, "counterparty__municipality_id"),
            placed=Case(
                When(counterparty__municipality__isnull=False, then=True),
                default=False,
                output_field=BooleanField(),
            ),
            has_job=Case(
                When(job__isnull=False, then=True), default=False, output_field=BooleanField()
            ),
        )
        .values(
            "direction",
            "category__flow",
            "category__code",
            "category__name",
            "resource_id",
            "resource__name",
            "job__lives_in_territory",
            "has_job",
            "placed",
            "local",
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _cost_group(row) -> tuple[str, str, str]:
    """(key, label, colour) of the column-2 node an expense row goes to."""
    flow = row["category__flow"]
    if flow == Flow.WAGES:
        if not row["has_job"]:
            return "wages_unknown", _("Wages: residence not recorded"), COLOURS["unknown"]
        if row["job__lives_in_territory"]:
            return "wages_local", _("Wages to workers living in the territory"), COLOURS["local"]
        return "wages_outside", _("Wages to workers living outside"), COLOURS["outside"]
    if flow == Flow.PURCHASES:
        if not row["placed"]:
            return (
                "purchases_unknown",
                _("Purchases: supplier's place not recorded"),
                COLOURS["unknown"],
            )
        if row["local"]:
            return "purchases_local", _("Purchases from local suppliers"), COLOURS["local"]
        return "purchases_outside", _("Purchases from suppliers outside"), COLOURS["outside"]
    return "other_costs", _("Other costs"), COLOURS["other"]


ALLOCATION_ORDER = [
    AllocationKind.LEGAL_RESERVE,
    AllocationKind.INDIVISIBLE_RESERVE,
    AllocationKind.MUTUAL_FUNDS,
    AllocationKind.RISTORNI,
    AllocationKind.LOSS_COVERAGE,
    AllocationKind.DIVIDENDS,
    AllocationKind.REINVESTMENT_FUND,
]
ALLOCATION_LABELS = {
    AllocationKind.LEGAL_RESERVE: gettext_lazy("Legal reserve"),
    AllocationKind.INDIVISIBLE_RESERVE: gettext_lazy("Indivisible reserve"),
    AllocationKind.MUTUAL_FUNDS: gettext_lazy("Fondi mutualistici"),
    AllocationKind.RISTORNI: gettext_lazy("Ristorni to members"),
    AllocationKind.LOSS_COVERAGE: gettext_lazy("Losses of earlier years covered"),
    AllocationKind.DIVIDENDS: gettext_lazy("Dividends"),
    AllocationKind.REINVESTMENT_FUND: gettext_lazy("Community reinvestment fund"),
}


COST_ORDER = [
    "wages_local",
    "wages_outside",
    "wages_unknown",
    "purchases_local",
    "purchases_outside",
    "purchases_unknown",
    "other_costs",
]

Side = list[tuple[Node, Decimal]]  # nodes and what each brings to, or takes from, the coop


@dataclass
class _Graph:
    """The nodes and links of a flow as they are named: each node once, in the order first
    named (the diagram stacks them so); a link's values summed, nothing of zero or less."""

    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[tuple[str, str], Link] = field(default_factory=dict)

    def node(self, key: str, label: str, column: int, colour: str) -> Node:
        if key not in self.nodes:
            self.nodes[key] = Node(key=key, label=label, column=column, colour=colour)
        return self.nodes[key]

    def link(self, source: Node, target: Node, value: Decimal, colour: str | None = None) -> None:
        if value <= 0:
            return
        found = self.links.get((source.key, target.key))
        if found is None:
            found = self.links[(source.key, target.key)] = Link(
                source.key, target.key, ZERO, colour or source.colour
            )
        found.value += value


def money_flow(*, coop: Cooperative, year: int, closing: Closing | None = None) -> MoneyFlow:
    """The year's flows, balanced, with their layout. ``closing`` is the year's closing if the
    caller has it already (it is read otherwise); its status says whether the figures are final."""
    if closing is None:
        closing = flow_closing(coop=coop, year=year)
    lines = {line.kind: line.amount for line in closing.lines.all()} if closing else {}
    graph = _Graph()
    sources, sinks = _sides(graph, *_year_groups(coop, year))
    revenue = sum((v for _n, v in sources), ZERO)
    costs = sum((v for _n, v in sinks), ZERO)
    result = closing.result if closing else revenue - costs
    _reconcile(graph, sources, sinks, result=result, cash_result=revenue - costs)
    coop_node = graph.nodes["coop"] = Node("coop", coop.name, 1, colour=COLOURS["coop"])
    for source, value in sources:
        graph.link(source, coop_node, value)
    for sink, value in sinks:
        graph.link(coop_node, sink, value, sink.colour)
    fund_in = _allocation(graph, coop_node, lines, result=result)
    _fund_spending(graph, _fund_projects(graph, coop, year), fund_in=fund_in)

    flow = MoneyFlow(
        year=year,
        status=closing.status if closing else "none",
        nodes=list(graph.nodes.values()),
        links=list(graph.links.values()),
    )
    for n in flow.nodes:
        n.value = max(flow.inflow(n.key), flow.outflow(n.key))
    flow.revenue, flow.costs, flow.result = revenue, costs, result
    _layout(flow)
    return flow


def _year_groups(
    coop: Cooperative, year: int
) -> tuple[dict[str, tuple[str, Decimal]], dict[str, tuple[str, str, Decimal]]]:
    """The year's revenue by group (a resource, or the category) as {key: (label, total)} and
    its costs by column-2 node as {key: (label, colour, total)}, from one query."""
    revenue_groups: dict[str, tuple[str, Decimal]] = {}
    cost_groups: dict[str, tuple[str, str, Decimal]] = {}
    for row in _grouped_movements(coop, year):
        total = row["total"] or ZERO
        if row["direction"] == Direction.INCOME:
            if row["resource_id"] is not None:
                key, label = f"resource_{row['resource_id']}", row["resource__name"]
            else:
                key, label = f"category_{row['category__code']}", row["category__name"]
            _label, before = revenue_groups.get(key, (label, ZERO))
            revenue_groups[key] = (label, before + total)
        else:
            key, label, colour = _cost_group(row)
            _l, _c, before = cost_groups.get(key, (label, colour, ZERO))
            cost_groups[key] = (label, colour, before + total)
    return revenue_groups, cost_groups


def _sides(
    graph: _Graph,
    revenue_groups: dict[str, tuple[str, Decimal]],
    cost_groups: dict[str, tuple[str, str, Decimal]],
) -> tuple[Side, Side]:
    """(sources, sinks): the revenue groups, largest first, then the costs in their order.
    Negative groups change side: a revenue group below zero is a cost, and the reverse."""
    sources: Side = []
    sinks: Side = []
    for key, (label, total) in sorted(revenue_groups.items(), key=lambda i: -i[1][1]):
        if total > 0:
            sources.append((graph.node(key, label, 0, COLOURS["revenue"]), total))
        elif total < 0:
            refunds = _("Refunds: %(what)s") % {"what": label}
            sinks.append((graph.node(key, refunds, 2, COLOURS["other"]), -total))
    for key in COST_ORDER:
        if key not in cost_groups:
            continue
        label, colour, total = cost_groups[key]
        if total > 0:
            sinks.append((graph.node(key, label, 2, colour), total))
        elif total < 0:
            corrections = _("Corrections: %(what)s") % {"what": label}
            sources.append((graph.node(key, corrections, 0, COLOURS["revenue"]), -total))
    return sources, sinks


def _reconcile(
    graph: _Graph, sources: Side, sinks: Side, *, result: Decimal, cash_result: Decimal
) -> None:
    """What the financial statement counts beyond the cash book, each side its own node, and a
    loss as what the reserves brought in: so every node balances, nothing forced."""
    difference = result - cash_result
    if difference > 0:
        label = _("Other income in the financial statement")
        sources.append((graph.node("statement_income", label, 0, COLOURS["revenue"]), difference))
    elif difference < 0:
        label = _("Other costs in the financial statement")
        sinks.append((graph.node("statement_costs", label, 2, COLOURS["other"]), -difference))
    if result < 0:
        sources.append((graph.node("loss", _("Loss for the year"), 0, COLOURS["loss"]), -result))


def _allocation(
    graph: _Graph, coop_node: Node, lines: dict[str, Decimal], *, result: Decimal
) -> Decimal:
    """The allocation of a profit, in the legal order, and what is not allocated yet; returns
    what the year gave the reinvestment fund."""
    if result <= 0:
        return ZERO
    fund_in = ZERO
    allocated = sum(lines.values(), ZERO)
    if lines and allocated <= result:
        for kind in ALLOCATION_ORDER:
            amount = lines.get(kind, ZERO)
            if amount > 0:
                colour = (
                    COLOURS["fund"]
                    if kind == AllocationKind.REINVESTMENT_FUND
                    else COLOURS["allocation"]
                )
                target = graph.node(f"alloc_{kind}", str(ALLOCATION_LABELS[kind]), 2, colour)
                graph.link(coop_node, target, amount, colour)
        fund_in = lines.get(AllocationKind.REINVESTMENT_FUND, ZERO)
        rest = result - allocated
    else:
        rest = result
    if rest > 0:
        unallocated = graph.node(
            "unallocated", _("Result not allocated yet"), 2, COLOURS["unknown"]
        )
        graph.link(coop_node, unallocated, rest)
    return fund_in


def _fund_projects(graph: _Graph, coop: Cooperative, year: int) -> Side:
    """The projects (or needs) the fund's earmarks paid for in the year, and how much each."""
    spending = (
        Movement.objects.filter(
            year_range(year), coop=coop, direction=Direction.EXPENSE, earmark__isnull=False
        )
        .values(
            "earmark__project_id",
            "earmark__project__title",
            "earmark__need_id",
            "earmark__need__title",
        )
        .annotate(total=Sum("amount"))
        .order_by("earmark__project__title", "earmark__need__title")
    )
    projects: Side = []
    for row in spending:
        total = row["total"] or ZERO
        if total <= 0:
            continue
        if row["earmark__project_id"] is not None:
            key, label = f"project_{row['earmark__project_id']}", row["earmark__project__title"]
        else:
            key, label = f"need_{row['earmark__need_id']}", row["earmark__need__title"]
        projects.append((graph.node(key, label, 3, COLOURS["fund"]), total))
    return projects


def _fund_spending(graph: _Graph, projects: Side, *, fund_in: Decimal) -> None:
    """Where the fund's money went in the year: this year's share first, then the fund of
    earlier years for what this year's did not cover; what is left stays in the fund."""
    spent = sum((v for _n, v in projects), ZERO)
    if fund_in <= 0 and spent <= 0:
        return
    fund_node = graph.nodes.get(f"alloc_{AllocationKind.REINVESTMENT_FUND}")
    earlier = (
        graph.node("fund_earlier", _("Reinvestment fund of earlier years"), 2, COLOURS["fund"])
        if spent - fund_in > 0
        else None
    )
    this_year_left = fund_in
    for target, total in projects:
        from_year = min(this_year_left, total)
        if fund_node is not None:
            graph.link(fund_node, target, from_year)
        this_year_left -= from_year
        if earlier is not None:
            graph.link(earlier, target, total - from_year)
    if fund_node is not None and this_year_left > 0:
        kept = graph.node("fund_kept", _("Kept in the fund for later"), 3, COLOURS["fund"])
        graph.link(fund_node, kept, this_year_left)


def _layout(flow: MoneyFlow) -> None:
    """Node positions and link paths: node heights proportional to their value, columns
    stacked from the top with a gap, links as bezier curves as wide as their value."""
    columns: dict[int, list[Node]] = {}
    for n in flow.nodes:
        columns.setdefault(n.column, []).append(n)
    if not flow.links:
        flow.height = 0
        return
    tallest = max(sum((n.value for n in column), ZERO) for column in columns.values())
    most_nodes = max(len(column) for column in columns.values())
    scale = float(PLOT_HEIGHT) / float(tallest) if tallest else 0.0
    span = WIDTH - LEFT_LABELS - RIGHT_LABELS - NODE_WIDTH
    height = 0.0
    by_key = {n.key: n for n in flow.nodes}
    for index, column in sorted(columns.items()):
        x = LEFT_LABELS + span * COLUMN_AT[index]
        y = float(TOP)
        if index == 3:
            # The projects sit level with the fund that pays them, not at the top.
            keys = {n.key for n in column}
            feeding = [by_key[lk.source].y for lk in flow.links if lk.target in keys]
            y = min(feeding, default=y)
        for n in column:
            n.x, n.y = round(x, 1), round(y, 1)
            n.height = max(float(n.value) * scale, MIN_NODE)
            y += n.height + GAP
        height = max(height, y)
    for lk in flow.links:
        source, target = by_key[lk.source], by_key[lk.target]
        width = max(float(lk.value) * scale, 1.0)
        y0 = source.y + source.out_offset + width / 2
        y1 = target.y + target.in_offset + width / 2
        source.out_offset += width
        target.in_offset += width
        x0, x1 = source.x + NODE_WIDTH, target.x
        middle = (x0 + x1) / 2
        lk.width = round(width, 1)
        lk.path = (
            f"M{x0:.1f},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        )
    flow.height = int(max(height, TOP + PLOT_HEIGHT + GAP * most_nodes)) + TOP


def node_labels(flow: MoneyFlow) -> list[dict]:
    """Where each node's label goes: left of the first column, right of the others."""
    last = max((n.column for n in flow.nodes), default=0)
    labels = []
    for n in flow.nodes:
        left = n.column == 0
        labels.append(
            {
                "node": n,
                "x": n.x - 6 if left else n.x + NODE_WIDTH + 6,
                "y": round(n.y + n.height / 2 - 2, 1),
                "anchor": "end" if left else "start",
                "name": n.label if len(n.label) <= 44 else n.label[:43] + "…",
                "last": n.column == last,
            }
        )
    return labels
