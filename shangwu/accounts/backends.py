"""The sign-in backend: Django's ``ModelBackend``, with the signed-in user loaded the way every
request needs it, in one query (issue 18: the fixed cost of a signed-in request)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q, TextField
from django.db.models.expressions import RawSQL

from shangwu.accounts.models import NO_POLICY_ROW, SecurityPolicy, User
from shangwu.core.reference import REFERENCE_STAMP

# The policy's last change, read in the user's own query: ``SecurityPolicy.current()`` keeps the
# policy per process and reloads it only when this stamp moves, so an edit by the 安全管理员 is in
# force on the very next request in every worker, without a query of its own on the others.
POLICY_STAMP = RawSQL(
    f'COALESCE((SELECT CAST("updated_at" AS TEXT) FROM "{SecurityPolicy._meta.db_table}" '
    f"ORDER BY \"id\" LIMIT 1), '{NO_POLICY_ROW}')",
    (),
    output_field=TextField(),
)


class UserBackend(ModelBackend):
    """Each request's user comes with its unit and the unit's region (the data scope every page and
    API call starts from), the policy stamp and the reference stamp (the dropdowns kept per process,
    ``core.reference``)."""

    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("org_unit__region")
            .annotate(security_policy_stamp=POLICY_STAMP, reference_stamp=REFERENCE_STAMP)
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions in one query, kept on the user for the
        request (``ModelBackend`` reads them in two: the 查看联系人完整号码 check of the enterprise
        and project pages)."""
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or user_obj.is_superuser
        ):
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            perms = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
                .values_list("content_type__app_label", "codename")
                .order_by()
                .distinct()
            )
            user_obj._perm_cache = {f"{ct}.{name}" for ct, name in perms}
        return user_obj._perm_cache
