import django_filters
from django.db.models import Q


class BaseFilterSet(django_filters.FilterSet):
    """Every FilterSet has a free-text ``q`` over ``search_fields``; one FilterSet per model
    serves the HTML list, the export and the API."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="关键词")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for f in self.form.fields.values():
            w = f.widget
            css = "form-select form-select-sm" if w.__class__.__name__.endswith("Select") else "form-control form-control-sm"
            w.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q()
        for field in self.search_fields:
            cond |= Q(**{f"{field}__icontains": value})
        return queryset.filter(cond)
