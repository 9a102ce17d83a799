"""Session rules of the security policy: idle timeout, absolute timeout, and the forced password
change at first login and after the password's maximum age."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts import services
from shangwu.accounts.models import SecurityPolicy

EXEMPT_PREFIXES = (
    "/static/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/",
    "/healthz",
)


class SessionPolicyMiddleware:
    """Every request a session authenticates is held to the idle and absolute limits, the API
    included, whatever other headers it carries (an ``Authorization`` header is checked on its
    own by the API's token authentication; it never excuses the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        policy = SecurityPolicy.current()
        now = timezone.now().timestamp()
        api = request.path.startswith("/api/")
        expired = services.session_expired_reason(request=request, policy=policy, now=now)
        if expired or user.is_locked() or not user.is_active:
            reason = expired or "账号已锁定或停用，已退出登录。"
            services.user_logout(request=request, reason=reason)
            if api:
                if "HTTP_AUTHORIZATION" in request.META:
                    return self.get_response(request)  # signed out; the token alone decides now
                return JsonResponse(
                    {"detail": reason}, status=401, headers={"WWW-Authenticate": "Token"}
                )
            messages.warning(request, reason)
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        services.session_touch(request=request, now=now)
        if not request.path.startswith(EXEMPT_PREFIXES) and (
            user.must_change_password or user.password_expired(policy.password_max_age_days)
        ):
            if api:
                return JsonResponse({"detail": "请先在网页上修改密码。"}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)
