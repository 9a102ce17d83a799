from django.utils.functional import SimpleLazyObject, cached_property

from shangwu.core.help import module_for_path
from shangwu.core.navigation import menu_for


class TopBar:
    """What the top bar shows on every page. The unread count is asked only when a page renders
    it (one COUNT on the (recipient, read_at) index), never for fragments or the API."""

    def __init__(self, user, path):
        self.user, self.path = user, path

    @cached_property
    def unread(self) -> int:
        from shangwu.cases.selectors import notification_list_unread

        return notification_list_unread(user=self.user).count()

    @cached_property
    def help_module(self) -> str:
        return module_for_path(self.path)


def navigation(request):
    """The menu is built (about 1 ms) only when a template shows it, once per request: fragments,
    e-mails and the API's pages render without it, and a page rendered from several templates
    builds it once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_menu": SimpleLazyObject(lambda: _menu(request, user)),
        "nav_path": request.path,
        "top_bar": TopBar(user, request.path),
    }


def _menu(request, user):
    menu = getattr(request, "_shangwu_nav_menu", None)
    if menu is None:
        menu = request._shangwu_nav_menu = menu_for(user)
    return menu
