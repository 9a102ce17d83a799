"""Figures: every number the platform states, with its definition and the records behind it.

A figure is declared once, in its app's ``figures.py``, and registered here. Reports, the API
(``GET /api/figures/<key>/``), the 工作台 and the statistics pages read it from the registry;
nothing else computes it.

Every figure is a *selection*: the app's own FilterSet with query parameters, applied to
``Model.objects.restrict(user, "view")``. The same parameters make the drill-down URLs (list page
and API), so the value and the rows a user is shown come from one filter and cannot disagree:

- ``CountFigure``: the number of rows of one selection;
- ``SumFigure``: the sum of one amount over the rows of one selection (``row_amount`` says how to
  read that amount from one row of the API list, for the drill-down test and for readers);
- ``RateFigure``: numerator rows ÷ denominator rows × 100 (both selections are drill-downs);
- ``AverageFigure``: the sum of one amount ÷ the number of rows of one selection;
- or a figure of its own (``indicators.figures``: one value of the single row a selection
  lists, 同比, 完成率), which says how it reads its drill-down lists (``value_from_lists``).

A figure's ``drill`` is ``{"page", "api"}`` (one list, read as ``lists["list"]``) or
``{"numerator": {...}, "denominator": {...}}``; ``value_from_lists`` recomputes the value from
the rows those API lists return, and a test holds every registered figure to it.

Rounding is half up (四舍五入) in ``round_half_up``; display (万元/亿元/万美元, 1 decimal, %,
百分点) in ``format_value``. Both live only here.
"""

from __future__ import annotations

import builtins
import datetime
import functools
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django.db.models import CharField, Func
from django.urls import reverse

from shangwu.core import periods
from shangwu.core.numbers import round_half_up

# --- units, rounding and display ----------------------------------------------------------------

COUNT_UNITS = {"件", "家", "个", "次", "项", "条", "人", "人次", "台", "辆", "张"}
WAN_YUAN = "万元"
WAN_USD = "万美元"
PERCENT = "%"
POINTS = "百分点"
WORKDAYS = "个工作日"
CENT = Decimal("0.01")


def ratio_percent(part, whole, places: int = 1) -> Decimal | None:
    """part ÷ whole × 100, half up (core.numbers); None when there is no whole."""
    if part is None or not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), places)


def format_value(value, unit: str) -> str:
    """The figure as a person reads it: 128家, 35.2%, 1.3个百分点, 8,650.0万元, 12.3亿元.
    Amounts in 万元 from 1亿 (10,000万元) up are shown in 亿元; all amounts and rates keep one
    decimal (half up); counts are whole numbers. None reads “—” (no denominator, no data)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if unit in COUNT_UNITS:
        return f"{int(round_half_up(value, 0)):,}{unit}"
    if unit == PERCENT:
        return f"{round_half_up(value)}%"
    if unit == POINTS:
        return f"{round_half_up(value)}个百分点"
    if unit == WAN_YUAN and abs(value) >= 10000:
        return f"{round_half_up(value / 10000):,}亿元"
    return f"{round_half_up(value):,}{unit}"


# --- the computed figure --------------------------------------------------------------------------


@dataclass
class Figure:
    """One figure as computed for one user, period and region."""

    key: str
    label: str
    unit: str
    value: Decimal | None
    date_from: datetime.date
    date_to: datetime.date
    region: object  # organization.Region, or None for the user's whole scope
    definition: str
    count: int  # the records behind the figure (for a rate: its denominator)
    drill: dict  # {"page", "api"} or {"numerator": {...}, "denominator": {...}}
    numerator_count: int | None = None  # a rate's numerator rows

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    def as_dict(self) -> dict:
        region = self.region
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "value": None if self.value is None else str(self.value),
            "display": self.display,
            "period": {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()},
            "region": None
            if region is None
            else {"code": region.code, "name": region.name, "level": region.level},
            "definition": self.definition,
            "count": self.count,
            **({} if self.numerator_count is None else {"numerator_count": self.numerator_count}),
            "drill": self.drill,
        }


# --- selections: a FilterSet and its parameters -------------------------------------------------


@dataclass
class Selection:
    """The rows of one list: ``model`` restricted to the user, filtered by ``filterset`` with
    ``params``. ``page`` and ``api`` are URL names of the list page and the API list."""

    model: type
    filterset: type
    page: str
    api: str
    params: dict
    # The date or datetime field the period narrows (``breakdown(by=MONTH)`` groups by its month).
    period_field: str = ""

    def queryset(self, user):
        return self.filtered(self.model.objects.restrict(user, "view"), user)

    def filtered(self, queryset, user):
        """``queryset`` narrowed by the selection's conditions, as ``user`` asks them (a
        condition such as 我的待办 reads the user's unit)."""
        request = SimpleNamespace(user=user, GET={}, query_params={})
        prepared = _prepared(self.model, self.filterset, tuple(self.params.items()))
        return prepared.apply(queryset, request)

    def urls(self) -> dict:
        from django.urls import get_script_prefix, get_urlconf

        items = tuple(self.params.items())
        try:
            page, api = _selection_urls(
                self.page, self.api, items, get_urlconf(), get_script_prefix()
            )
        except TypeError:  # a value that cannot be a cache key (a list): encoded as it is
            query = urlencode(items)
            page, api = f"{_list_url(self.page)}?{query}", f"{_list_url(self.api)}?{query}"
        return {"page": page, "api": api}


@functools.lru_cache(maxsize=16384)
def _selection_urls(page: str, api: str, items: tuple, urlconf, prefix: str) -> tuple[str, str]:
    """A selection's list page and API list with its parameters, kept per process, URL conf and
    prefix: 办理统计 links some 450 cells per page, and reading the URL conf and the script
    prefix (two thread-locals) for each of the two URLs of each cell was a fifth of the page."""
    query = _query_string(items)
    return (
        f"{_reversed(page, urlconf, prefix)}?{query}",
        f"{_reversed(api, urlconf, prefix)}?{query}",
    )


@functools.lru_cache(maxsize=16384)
def _query_string(items: tuple) -> str:
    """``urlencode`` of a selection's parameters, kept per process: a breakdown links every one
    of its cells (办理统计 by unit: some 450 per page, half the page's time in ``quote_plus``)."""
    return urlencode(items)


def _list_url(name: str) -> str:
    """``reverse(name)`` of a list without arguments, resolved once per URL conf and prefix
    (a 工作台 links some forty figures)."""
    from django.urls import get_script_prefix, get_urlconf

    return _reversed(name, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=512)
def _reversed(name: str, urlconf, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@functools.cache
def _only_filters(filterset: type, names: frozenset) -> type:
    """``filterset`` with only the filters ``names`` (the selection's parameters): the same
    filters, cleaning and narrowing to the user's choices, without building the form fields and
    choice querysets of the dozen conditions a figure does not set (most of a 工作台's time)."""
    from shangwu.core.filtersets import BaseFilterSet

    def __init__(self, *args, **kwargs):
        # The list page's own __init__ only dresses its form (hidden and date widgets); the
        # narrowing to the user's choices is BaseFilterSet's, and runs here.
        BaseFilterSet.__init__(self, *args, **kwargs)

    lean = type(
        f"{filterset.__name__}Figure",
        (filterset,),
        {"__module__": filterset.__module__, "__init__": __init__},
    )
    lean.base_filters = {name: f for name, f in filterset.base_filters.items() if name in names}
    unknown = names - set(lean.base_filters)
    if unknown:
        raise ValueError(f"{filterset.__name__} has no filter {sorted(unknown)}")
    return lean


# --- a selection's conditions, read once (the 工作台 asks for ~20 selections per request) ------


@dataclass(frozen=True)
class _Prepared:
    """A selection's parameters as its FilterSet's form cleans them, in the FilterSet's order:
    applied to a user's rows exactly as ``FilterSet.qs`` applies them, without building the
    FilterSet's form and fields again for every figure of every request."""

    filterset: type
    params: dict
    cleaned: tuple  # ((name, value), …)

    def apply(self, queryset, request):
        import copy

        from django_filters.filters import FilterMethod

        # A FilterSet instance as its methods read it (``self.request.user``, ``self.filters``,
        # ``self.form.cleaned_data``), its own ``filter_queryset`` applying the conditions.
        fs = object.__new__(self.filterset)
        fs.is_bound, fs.data, fs.queryset, fs.request = True, self.params, queryset, request
        fs.form_prefix = None
        fs._form = SimpleNamespace(cleaned_data=dict(self.cleaned), errors={})
        fs.filters = {}
        for name, f in self.filterset.base_filters.items():
            f = copy.copy(f)
            f.parent = fs
            if f.method is not None:
                f.filter = FilterMethod(f)
            fs.filters[name] = f
        return fs.filter_queryset(queryset)


@functools.lru_cache(maxsize=4096)
def _prepared(model, filterset: type, items: tuple) -> _Prepared:
    """Clean ``items`` once with the selection's filters. The choices a form narrows to the
    user matter not here: the rows are the user's own (``restrict``) and the region a figure
    is asked for is checked against the user's scope first (``resolve_region``)."""
    params = dict(items)
    lean = _only_filters(filterset, frozenset(params))
    fs = lean(data=params, queryset=model.objects.none(), request=None)
    if not fs.is_valid():  # never count more than asked: an unreadable condition is an error
        raise FigureError("region", f"筛选条件无效：{fs.invalid_fields()}")
    cleaned = fs.form.cleaned_data
    return _Prepared(
        filterset=lean,
        params=params,
        cleaned=tuple((name, cleaned.get(name)) for name in lean.base_filters),
    )


class FigureError(ValueError):
    """A request the figure cannot answer; ``param`` names the offending query parameter."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


def count_together(selections: list[Selection], *, user) -> list[int]:
    """The number of rows of each selection, the selections of one model in one query:
    ``SELECT (SELECT COUNT(*) FROM <selection 1>), (SELECT COUNT(*) FROM <selection 2>), …``.
    Each count is the drill-down list's own count (the user's scope, ``restrict``, read once
    and applied to every selection), so the database counts each along the index that list
    uses: a conditional ``COUNT(…) FILTER (WHERE pk IN …)`` over all of the user's rows read
    every one of them (我的待办 over 300,000 cases: 183 ms instead of a few)."""
    from django.db import connections

    from shangwu.core import figures_sql

    by_model: dict[type, list[int]] = {}
    for n, sel in enumerate(selections):
        by_model.setdefault(sel.model, []).append(n)
    counts = [0] * len(selections)
    for model, members in by_model.items():
        mine = []  # the user's rows, restricted once, only if a part is compiled here

        def rows(sel, mine=mine, model=model):
            if not mine:
                mine.append(model.objects.restrict(user, "view").order_by())
            inner = sel.filtered(mine[0], user).order_by().values("pk")
            return inner.query.get_compiler(using=inner.db).as_sql()

        parts, params = [], []
        for n in members:
            sel = selections[n]
            # The selection's SQL, compiled once per user, day and reference data when all its
            # conditions are pure (core.figures_sql); executed on every request.
            part = figures_sql.compiled(
                figures_sql.selection_key("count", sel, user), lambda sel=sel: rows(sel)
            )
            if part is None:  # a selection that can hold nothing (e.g. ``none()``)
                parts.append("0")
                continue
            parts.append(f"(SELECT COUNT(*) FROM ({part[0]}) counted)")
            params.extend(part[1])
        if builtins.all(
            p == "0" for p in parts
        ):  # nothing to read (no query, as ``none().count()``)
            continue
        with connections[model.objects.db].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            row = cursor.fetchone()
        for n, value in zip(members, row, strict=True):
            counts[n] = value
    return counts


# --- figure declarations --------------------------------------------------------------------------

# select(date_from, date_to, region) -> Selection; region is None (the user's scope) or a Region
Selector = Callable[[datetime.date, datetime.date, object], Selection]


@dataclass(kw_only=True)
class FigureSpec(ABC):
    key: str
    label: str
    unit: str
    definition: str
    # True: the figure is a state at the moment of the query (e.g. 重点企业数); the period is
    # reported but does not narrow it.
    current: bool = False

    @abstractmethod
    def compute(self, *, user, date_from, date_to, region=None) -> Figure:
        """The figure within ``user``'s scope for the period (and region, if given)."""

    @abstractmethod
    def value_from_lists(self, lists: dict[str, list[dict]]) -> Decimal | None:
        """The value recomputed from the rows of the drill-down API lists (all pages)."""

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None) -> list[Figure]:
        """Several figures of this kind at once (``compute_many``); one by one unless the kind
        knows how to read them together."""
        return [
            spec.compute(user=user, date_from=date_from, date_to=date_to, region=region)
            for spec in specs
        ]

    def count_from_lists(self, lists: dict[str, list[dict]]) -> int:
        """``count`` from the same lists: the rows of the list, or a rate's denominator."""
        return len(lists["list"] if "list" in lists else lists["denominator"])

    def _figure(self, *, value, count, drill, date_from, date_to, region) -> Figure:
        return Figure(
            key=self.key,
            label=self.label,
            unit=self.unit,
            value=value,
            date_from=date_from,
            date_to=date_to,
            region=region,
            definition=self.definition,
            count=count,
            drill=drill,
        )


@dataclass(kw_only=True)
class CountFigure(FigureSpec):
    select: Selector = None

    def compute(self, *, user, date_from, date_to, region=None) -> Figure:
        sel = self.select(date_from, date_to, region)
        count = sel.queryset(user).count()
        return self._figure(
            value=Decimal(count),
            count=count,
            drill=sel.urls(),
            date_from=date_from,
            date_to=date_to,
            region=region,
        )

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None) -> list[Figure]:
        """The counts of one model in one query (``count_together``)."""
        selections = [spec.select(date_from, date_to, region) for spec in specs]
        counts = count_together(selections, user=user)
        return [
            spec._figure(
                value=Decimal(count),
                count=count,
                drill=sel.urls(),
                date_from=date_from,
                date_to=date_to,
                region=region,
            )
            for spec, sel, count in zip(specs, selections, counts, strict=True)
        ]

    def value_from_lists(self, lists):
        return Decimal(len(lists["list"]))


@dataclass(kw_only=True)
class SumFigure(FigureSpec):
    select: Selector = None
    amount: str = ""  # the model field summed
    aggregate: Callable | None = None  # () -> the aggregate, when not Sum(amount)
    row_amount: Callable[[dict], object] | None = None  # the amount in one API row
    # Rows kept in a smaller unit than the figure's: the total is divided by ``per`` once
    # (元 summed, stated in 万元: ``per=10000``), on the figure and its drill-down alike.
    per: int = 1

    def _total(self):
        from django.db.models import Sum

        return self.aggregate() if self.aggregate else Sum(self.amount)

    def compute(self, *, user, date_from, date_to, region=None) -> Figure:
        from django.db.models import Count

        sel = self.select(date_from, date_to, region)
        agg = sel.queryset(user).order_by().aggregate(n=Count("pk", distinct=True), s=self._total())
        return self._from_aggregate(agg["n"], agg["s"], sel, date_from, date_to, region)

    def _from_aggregate(self, n, total, sel, date_from, date_to, region) -> Figure:
        return self._figure(
            # Amounts keep their two decimals on every database (SQLite's sum drops them).
            value=sum_value(total, self.unit, self.per),
            count=n,
            drill=sel.urls(),
            date_from=date_from,
            date_to=date_to,
            region=region,
        )

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None) -> list[Figure]:
        """The sums of one model in one query: each figure's own aggregate (rows and total, as
        ``compute`` reads it) as a one-row subquery, the subqueries side by side."""
        from django.db import connections
        from django.db.models import Count, IntegerField, Value

        from shangwu.core import figures_sql

        selections = [spec.select(date_from, date_to, region) for spec in specs]
        by_model: dict[type, list[int]] = {}
        for n, sel in enumerate(selections):
            by_model.setdefault(sel.model, []).append(n)
        results: list[tuple] = [(0, None)] * len(specs)
        for model, members in by_model.items():
            mine = []  # the user's rows, restricted once, only if a part is compiled here

            def aggregate(n, mine=mine, model=model):
                if not mine:
                    mine.append(model.objects.restrict(user, "view").order_by())
                inner = (
                    selections[n]
                    .filtered(mine[0], user)
                    .order_by()
                    .annotate(_one=Value(1, output_field=IntegerField()))
                    .values("_one")
                    .annotate(n=Count("pk", distinct=True), s=specs[n]._total())
                    .values("n", "s")
                )
                return inner.query.get_compiler(using=inner.db).as_sql()

            parts, params, read = [], [], []
            for n in members:
                spec = specs[n]
                key = figures_sql.selection_key(
                    "sum", selections[n], user, spec.key, spec.amount, spec.aggregate
                )
                part = figures_sql.compiled(key, lambda n=n: aggregate(n))
                if part is None:  # a selection that can hold nothing
                    continue
                parts.append(f"({part[0]}) q{n}")
                params.extend(part[1])
                read.append(n)
            if not parts:
                continue
            with connections[model.objects.db].cursor() as cursor:
                cursor.execute(f"SELECT * FROM {' CROSS JOIN '.join(parts)}", params)
                row = cursor.fetchone()
            for i, n in enumerate(read):
                results[n] = (row[2 * i], row[2 * i + 1])
        return [
            spec._from_aggregate(count, total, sel, date_from, date_to, region)
            for spec, sel, (count, total) in zip(specs, selections, results, strict=True)
        ]

    def amount_of(self, row: dict) -> Decimal:
        value = self.row_amount(row) if self.row_amount else row[self.amount]
        return Decimal(str(value or 0))

    def value_from_lists(self, lists):
        total = sum((self.amount_of(row) for row in lists["list"]), Decimal(0))
        return total if self.per == 1 else sum_value(total, self.unit, self.per)


def sum_value(total, unit: str, per: int = 1) -> Decimal:
    """A summed figure's value: a count as it is, an amount to two decimals (after ``per``)."""
    value = Decimal(str(total or 0))
    if per != 1:
        value = value / per
    return value if unit in COUNT_UNITS else value.quantize(CENT)


@dataclass(kw_only=True)
class AverageFigure(SumFigure):
    """Σ amount ÷ rows, half up to one decimal (平均办理工作日)."""

    def _from_aggregate(self, n, total, sel, date_from, date_to, region) -> Figure:
        figure = super()._from_aggregate(n, total, sel, date_from, date_to, region)
        figure.value = round_half_up(figure.value / figure.count) if figure.count else None
        return figure

    def value_from_lists(self, lists):
        rows = lists["list"]
        return round_half_up(super().value_from_lists(lists) / len(rows)) if rows else None


@dataclass(kw_only=True)
class RateFigure(FigureSpec):
    numerator: Selector = None
    denominator: Selector = None
    unit: str = PERCENT

    def compute(self, *, user, date_from, date_to, region=None) -> Figure:
        num = self.numerator(date_from, date_to, region)
        den = self.denominator(date_from, date_to, region)
        part, whole = num.queryset(user).count(), den.queryset(user).count()
        return self._rate(
            num, den, part, whole, date_from=date_from, date_to=date_to, region=region
        )

    def _rate(self, num, den, part, whole, *, date_from, date_to, region) -> Figure:
        """The figure of ``part`` rows of ``num`` over ``whole`` rows of ``den``."""
        figure = self._figure(
            value=ratio_percent(part, whole),
            count=whole,
            drill={"numerator": num.urls(), "denominator": den.urls()},
            date_from=date_from,
            date_to=date_to,
            region=region,
        )
        figure.numerator_count = part
        return figure

    @classmethod
    def compute_batch(cls, specs, *, user, date_from, date_to, region=None) -> list[Figure]:
        """Numerators and denominators counted together (``count_together``)."""
        pairs = [
            (
                spec.numerator(date_from, date_to, region),
                spec.denominator(date_from, date_to, region),
            )
            for spec in specs
        ]
        counts = count_together([sel for pair in pairs for sel in pair], user=user)
        return [
            spec._rate(
                num,
                den,
                counts[2 * n],
                counts[2 * n + 1],
                date_from=date_from,
                date_to=date_to,
                region=region,
            )
            for n, (spec, (num, den)) in enumerate(zip(specs, pairs, strict=True))
        ]

    def value_from_lists(self, lists):
        return ratio_percent(len(lists["numerator"]), len(lists["denominator"]))


# --- the registry ---------------------------------------------------------------------------------

_REGISTRY: dict[str, FigureSpec] = {}
# Families: figures whose keys come from managed data (one per tag, one per indicator):
# prefix -> (members() -> [FigureSpec], resolve(rest) -> FigureSpec | None)
_FAMILIES: dict[str, tuple[Callable, Callable]] = {}
_loaded = False


def register(spec: FigureSpec) -> FigureSpec:
    if spec.key in _REGISTRY and _REGISTRY[spec.key] is not spec:
        raise ValueError(f"figure {spec.key} registered twice")
    _REGISTRY[spec.key] = spec
    return spec


def register_family(prefix: str, *, members: Callable, resolve: Callable) -> None:
    """Figures keyed ``<prefix><code>…`` for codes kept in the database (tags, indicators)."""
    _FAMILIES[prefix] = (members, resolve)


def _load():
    global _loaded
    if not _loaded:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("figures")  # every app's figures.py registers its own
        _loaded = True


def get(key: str) -> FigureSpec | None:
    _load()
    if key in _REGISTRY:
        return _REGISTRY[key]
    for prefix, (_, resolve) in _FAMILIES.items():
        if key.startswith(prefix):
            spec = resolve(key[len(prefix) :])
            if spec is not None:
                return spec
    return None


def all() -> list[FigureSpec]:  # noqa: A001 - the registry's own vocabulary (register/get/all)
    _load()
    specs = list(_REGISTRY.values())
    for members, _ in _FAMILIES.values():
        specs.extend(members())
    return specs


# --- period and region of a request ---------------------------------------------------------------


def parse_date(text, param: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError:
        raise FigureError(
            param, f"参数 {param} 应为日期（如 2026-01-31），实际为“{text}”。"
        ) from None


def resolve_region(user, code):
    """The region a figure covers. None: the user's whole scope. A region inside the user's own
    (or the user's own) narrows the figure to it; a region *containing* the user's (the city for
    a county user) answers for the user's own scope, since that is all of it they may see; any
    other region (a sibling county) is outside the scope: ``LookupError`` (the API answers 404)."""
    from shangwu.organization.models import Region

    if code in (None, ""):
        return None
    region = Region.objects.filter(code=str(code)).select_related("parent").first()
    if region is None:
        raise FigureError("region", f"参数 region 不是已登记的区划代码：“{code}”。")
    own = getattr(user, "region", None)
    if own is None:
        raise LookupError(code)
    chain = {region.pk, region.parent_id, getattr(region.parent, "parent_id", None)}
    if own.pk in chain:  # the region is the user's own or lies inside it
        return region
    own_chain = {own.pk, own.parent_id, getattr(own.parent, "parent_id", None)}
    if region.pk in own_chain:  # above the user: the user's own scope
        return own if own.level != "city" else None
    raise LookupError(code)


def compute(key: str, *, user, date_from, date_to, region=None) -> Figure:
    spec = get(key)
    if spec is None:
        raise KeyError(key)
    if date_from > date_to:
        raise FigureError("from", "参数 from 不能晚于 to。")
    return spec.compute(user=user, date_from=date_from, date_to=date_to, region=region)


def region_params(region, *, county="county", township="township", city=None) -> dict:
    """The list filter narrowing a selection to ``region`` (None: no narrowing). An app whose
    list cannot filter a region level passes None for it: such a request is refused (400)."""
    if region is None:
        return {}
    name = {"city": city, "county": county, "township": township}[region.level]
    if region.level == "city" and city is None:
        return {}
    if name is None:
        raise FigureError(
            "region", f"该指标不能按{region.get_level_display()}统计：{region.name}。"
        )
    return {name: region.pk}


# --- several figures at once (the 工作台) ---------------------------------------------------------


def compute_many(keys, *, user, date_from, date_to, region=None) -> dict[str, Figure]:
    """The figures ``keys`` (or specs) for one user, period and region, as ``compute`` gives them one by one,
    but each kind of figure reads its rows together (``FigureSpec.compute_batch``: counts of one
    model in one aggregate query, indicator values in one query)."""
    specs = []
    for key in keys:  # a key, or a spec already at hand (a family member: one per indicator)
        spec = key if isinstance(key, FigureSpec) else get(key)
        if spec is None:
            raise KeyError(key)
        specs.append(spec)
    by_kind: dict[type, list[FigureSpec]] = {}
    for spec in specs:
        by_kind.setdefault(type(spec), []).append(spec)
    computed = {}
    for kind, members in by_kind.items():
        for figure in kind.compute_batch(
            members, user=user, date_from=date_from, date_to=date_to, region=region
        ):
            computed[figure.key] = figure
    return {spec.key: computed[spec.key] for spec in specs}


def panel_cell(figure: Figure, *, label: str | None = None, note: Figure | None = None) -> dict:
    """One number on a 工作台 panel: the figure's label (or a shorter one), its value as the
    registry formats it, and the link to the list of the records behind it (a rate: its
    numerator). ``note``: a second figure shown beside it (an indicator's 同比)."""
    drill = figure.drill.get("numerator", figure.drill)
    return {
        "key": figure.key,
        "label": label or figure.label,
        "display": figure.display,
        "url": drill["page"],
        "figure": figure,
        "note": None if note is None else panel_cell(note),
    }


# --- breakdowns: the same figures for each value of one list filter ------------------------------
#
# A statistics table is figures broken down by one condition of their list (县区, 类别, 主办单位,
# 月份): each cell is the figure for one group, and its drill-down is the figure's own list with
# the group's filter added, so a cell and the rows it links to cannot disagree. All the cells come
# from one GROUP BY per model (not a query per cell); an app may read its figures' groups faster
# from its own summary table (``register_breakdown_reader``), held to the same drill-down test.

MONTH = "month"  # ``by=MONTH``: calendar months of the selection's ``period_field``


class LocalMonth(Func):
    """'YYYY-MM' of a datetime in Asia/Shanghai (of a date: the date's month), as plain SQL
    (TruncMonth is a Python function per row on SQLite)."""

    output_field = CharField()

    def __init__(self, expression, *, local=True, **extra):
        self.local = local
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        shift = ", '+8 hours'" if self.local else ""
        return f"strftime('%%Y-%%m', {sql}{shift})", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if self.local:
            sql = f"({sql}) AT TIME ZONE 'Asia/Shanghai'"
        return f"to_char({sql}, 'YYYY-MM')", params


@dataclass
class Group:
    """One group of a breakdown: the filter's ``value`` (a pk, a code, a month's first day; None
    for the rows without one), the ``params`` it adds to every drill-down, and its figures."""

    value: object
    params: dict
    figures: dict[str, Figure]


@dataclass
class Breakdown:
    by: str
    groups: list[Group]
    totals: dict[str, Figure]  # the figures themselves (the groups partition their rows)


@dataclass
class _Part:
    """One selection a breakdown counts (and sums ``amount`` over, or ``aggregate``)."""

    selection: Selection
    amount: str = ""
    aggregate: Callable | None = None

    @property
    def token(self):
        return (
            self.selection.model,
            self.selection.filterset,
            tuple(sorted((k, str(v)) for k, v in self.selection.params.items())),
            self.amount,
            self.aggregate,
        )


# model -> reader(parts, *, by, user, date_from, date_to, region) -> {group: [(count, sum)]} | None
_BREAKDOWN_READERS: dict[type, Callable] = {}


def register_breakdown_reader(model: type, reader: Callable) -> None:
    """``reader`` answers a breakdown of ``model``'s selections from the app's own summary (the
    cases' monthly buckets), or None when it cannot (the general GROUP BY answers then)."""
    _BREAKDOWN_READERS[model] = reader


def _parts_of(spec: FigureSpec, date_from, date_to, region) -> list[_Part]:
    if isinstance(spec, RateFigure):
        return [
            _Part(spec.numerator(date_from, date_to, region)),
            _Part(spec.denominator(date_from, date_to, region)),
        ]
    if isinstance(spec, SumFigure):  # and AverageFigure
        return [
            _Part(spec.select(date_from, date_to, region), spec.amount, spec.aggregate),
        ]
    if isinstance(spec, CountFigure):
        return [_Part(spec.select(date_from, date_to, region))]
    raise ValueError(f"figure {spec.key} cannot be broken down (a figure of its own kind)")


def _figure_of(spec, results, *, drill_params, date_from, date_to, region) -> Figure:
    """``spec``'s figure from the (count, sum) of its parts."""

    def urls(sel):
        return replace(sel, params={**sel.params, **drill_params}).urls()

    if isinstance(spec, RateFigure):
        (part, _), (whole, _) = results
        num = spec.numerator(date_from, date_to, region)
        den = spec.denominator(date_from, date_to, region)
        figure = spec._figure(
            value=ratio_percent(part, whole),
            count=whole,
            drill={"numerator": urls(num), "denominator": urls(den)},
            date_from=date_from,
            date_to=date_to,
            region=region,
        )
        figure.numerator_count = part
        return figure
    ((count, total),) = results
    sel = spec.select(date_from, date_to, region)
    if isinstance(spec, AverageFigure):
        value = round_half_up(Decimal(str(total or 0)) / count) if count else None
    elif isinstance(spec, SumFigure):
        value = sum_value(total, spec.unit, spec.per)
    else:
        value = Decimal(count)
    return spec._figure(
        value=value,
        count=count,
        drill=urls(sel),
        date_from=date_from,
        date_to=date_to,
        region=region,
    )


def _group_field(part: _Part, by: str):
    from django.db.models import DateTimeField as DT
    from django.db.models import F

    sel = part.selection
    if by == MONTH:
        field = getattr(sel, "period_field", "")
        if not field:
            raise FigureError(
                "by", f"该指标不能按月份分组：{sel.filterset.__name__} 未声明日期字段。"
            )
        local = isinstance(sel.model._meta.get_field(field), DT)
        return LocalMonth(field, local=local)
    filt = sel.filterset.base_filters.get(by)
    if filt is None or filt.method is not None:
        raise FigureError("by", f"该指标的列表没有可分组的筛选条件 {by}。")
    return F(filt.field_name)


def _read_groups(parts: list[_Part], *, by, user) -> dict[object, list[tuple]]:
    """The (count, sum) of each part per group value: the parts of one model and FilterSet in one
    GROUP BY over the rows their common conditions select, each part a conditional aggregate
    (its other conditions as a Q the FilterSet gives, ``figure_condition``, else ``pk IN``)."""
    from django.db.models import Count, F, Q, Sum, Value

    out: dict[object, list[tuple]] = {}
    by_list: dict[tuple, list[int]] = {}
    for n, part in enumerate(parts):
        by_list.setdefault((part.selection.model, part.selection.filterset), []).append(n)
    for (_model, filterset), members in by_list.items():
        first = parts[members[0]].selection
        common = {
            k: v
            for k, v in first.params.items()
            if builtins.all(
                k in parts[n].selection.params and str(parts[n].selection.params[k]) == str(v)
                for n in members
            )
        }
        base = replace(first, params=common).queryset(user).order_by()
        # Rows are counted once each: COUNT(DISTINCT pk) only where a join may repeat them (a
        # filter's join, or an aggregate over related rows); otherwise COUNT(1), which an index
        # answers without a sorted set per count.
        repeats = len(base.query.alias_map) > 1 or any(parts[n].aggregate for n in members)
        aggregates = {}
        for n in members:
            sel = parts[n].selection
            own = {k: v for k, v in sel.params.items() if k not in common}
            cond = None
            if own:
                make = getattr(filterset, "figure_condition", None)
                conds = [make(k, v) if make else None for k, v in own.items()]
                if builtins.all(c is not None for c in conds):
                    cond = functools.reduce(lambda a, b: a & b, conds)
                else:
                    rows = replace(sel, params=own).queryset(user).order_by().values("pk")
                    cond = Q(pk__in=rows)
            aggregates[f"c{n}"] = (
                Count("pk", distinct=True, filter=cond) if repeats else Count(Value(1), filter=cond)
            )
            part = parts[n]
            if part.aggregate is not None:
                agg = part.aggregate()
                agg.filter = (
                    cond if agg.filter is None else (agg.filter & cond if cond else agg.filter)
                )
                aggregates[f"s{n}"] = agg
            elif part.amount:
                aggregates[f"s{n}"] = Sum(F(part.amount), filter=cond)
        field = _group_field(parts[members[0]], by)
        for row in base.annotate(_k=field).values("_k").annotate(**aggregates):
            key = row["_k"]
            if by == MONTH:
                key = datetime.date(int(key[:4]), int(key[5:7]), 1)
            cells = out.setdefault(key, [(0, None)] * len(parts))
            for n in members:
                cells[n] = (row[f"c{n}"] or 0, row.get(f"s{n}"))
    return out


def breakdown(keys, *, by: str, user, date_from, date_to, region=None) -> Breakdown:
    """The figures ``keys`` (or specs) for each value of the list filter ``by`` (``county``,
    ``category``, ``lead_unit``…, or ``MONTH``), within ``user``'s scope, period and region.

    Each group's figure drills down to the figure's own lists with the group's filter added (a
    month: the figure over that month of the period); rows without a value form the group None,
    whose filter the FilterSet names in ``figure_none_params`` (未交办: ``unassigned=true``).
    The totals are the figures themselves, summed from the groups: one GROUP BY per model for the
    whole table, or the app's own reader (``register_breakdown_reader``)."""
    specs = []
    for key in keys:
        spec = key if isinstance(key, FigureSpec) else get(key)
        if spec is None:
            raise KeyError(key)
        specs.append(spec)
    if date_from > date_to:
        raise FigureError("from", "参数 from 不能晚于 to。")
    spans = [_parts_of(spec, date_from, date_to, region) for spec in specs]
    parts: list[_Part] = []
    index: dict[tuple, int] = {}
    slots = []
    for span in spans:
        mine = []
        for part in span:
            if part.token not in index:
                index[part.token] = len(parts)
                parts.append(part)
            mine.append(index[part.token])
        slots.append(mine)
    read: dict[object, list[tuple]] = {}
    by_model: dict[type, list[int]] = {}
    for n, part in enumerate(parts):
        by_model.setdefault(part.selection.model, []).append(n)
    for model, members in by_model.items():
        subset = [parts[n] for n in members]
        reader = _BREAKDOWN_READERS.get(model)
        got = (
            reader(subset, by=by, user=user, date_from=date_from, date_to=date_to, region=region)
            if reader
            else None
        )
        if got is None:
            got = _read_groups(subset, by=by, user=user)
        for key, cells in got.items():
            row = read.setdefault(key, [(0, None)] * len(parts))
            for n, cell in zip(members, cells, strict=True):
                row[n] = cell

    def figures_of(cells, *, drill_params, gfrom, gto):
        return {
            spec.key: _figure_of(
                spec,
                [cells[n] for n in slot],
                drill_params=drill_params,
                date_from=gfrom,
                date_to=gto,
                region=region,
            )
            for spec, slot in zip(specs, slots, strict=True)
        }

    groups = []
    for key, cells in read.items():
        if by == MONTH:
            gfrom = max(key, date_from)
            gto = min(periods.month_end(key.year, key.month), date_to)
            figures = figures_of(cells, drill_params={}, gfrom=gfrom, gto=gto)
            groups.append(Group(value=key, params={}, figures=figures))
            continue
        if key is None:
            nones = getattr(parts[0].selection.filterset, "figure_none_params", {})
            if by not in nones:
                raise ValueError(
                    f"{parts[0].selection.filterset.__name__} names no filter for rows without {by}"
                )
            params = dict(nones[by])
        else:
            params = {by: key}
        groups.append(
            Group(
                value=key,
                params=params,
                figures=figures_of(cells, drill_params=params, gfrom=date_from, gto=date_to),
            )
        )
    summed = []
    for n in range(len(parts)):
        count = sum(cells[n][0] for cells in read.values())
        values = [cells[n][1] for cells in read.values() if cells[n][1] is not None]
        summed.append((count, sum(values) if values else None))
    totals = figures_of(summed, drill_params={}, gfrom=date_from, gto=date_to)
    return Breakdown(by=by, groups=groups, totals=totals)
