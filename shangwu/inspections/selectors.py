"""Read-side queries of inspections that span relations."""

PANEL_FIGURES = [
    ("inspections.done", "完成检查"),
    ("inspections.hazards_found", "发现隐患"),
    ("inspections.rectified_on_time", "按期整改率"),
    ("inspections.major_open", "重大隐患未销号"),
]


def inspection_dashboard_panel(*, user) -> list:
    """安全检查 · this year (工作台): inspections done, hazards found, rectified on time and open
    major hazards, each a registered figure with its list; none for users without a region."""
    import datetime

    from django.utils import timezone

    from shangwu.core import figures as registry

    if user.region is None:
        return []
    today = timezone.localdate()
    computed = registry.compute_many(
        [key for key, _ in PANEL_FIGURES],
        user=user,
        date_from=datetime.date(today.year, 1, 1),
        date_to=today,
    )
    return [
        {
            "title": f"安全检查 · {today.year}年",
            "icon": "clipboard-check",
            "figures": [
                registry.panel_cell(computed[key], label=label) for key, label in PANEL_FIGURES
            ],
        }
    ]
