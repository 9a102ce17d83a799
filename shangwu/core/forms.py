from django import forms

from shangwu.core.access import RestrictedQuerySet


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields plainly."""

    def apply_bootstrap(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class BaseModelForm(BootstrapMixin, forms.ModelForm):
    """Takes the acting ``user``; choices of related records are limited to what the user may see."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if user is not None and isinstance(qs, RestrictedQuerySet):
                field.queryset = qs.restrict(user, "view")
        self.apply_bootstrap()


class BaseForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.apply_bootstrap()
