"""Session rules of the security policy: idle timeout, absolute timeout, and the forced password
change at first login and after the password's maximum age."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from shangwu.accounts import services
from shangwu.accounts.models import SecurityPolicy

EXEMPT_PREFIXES = ("/static/", "/accounts/login/", "/accounts/logout/", "/accounts/password/", "/healthz")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or not hasattr(request, "session") or request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return self.get_response(request)
        policy = SecurityPolicy.current()
        now = timezone.now().timestamp()
        login_at = request.session.get(services.SESSION_LOGIN_AT, now)
        seen_at = request.session.get(services.SESSION_SEEN_AT, now)
        expired = None
        if now - seen_at > policy.session_idle_minutes * 60:
            expired = f"超过{policy.session_idle_minutes}分钟未操作，已自动退出，请重新登录。"
        elif now - login_at > policy.session_absolute_hours * 3600:
            expired = f"登录已超过{policy.session_absolute_hours}小时，请重新登录。"
        if expired or user.is_locked() or not user.is_active:
            services.user_logout(request=request, reason=expired or "账号已锁定或停用")
            messages.warning(request, expired or "账号已锁定或停用。")
            if request.path.startswith("/api/"):
                return self.get_response(request)
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        request.session[services.SESSION_SEEN_AT] = now
        if not request.path.startswith(EXEMPT_PREFIXES) and (
            user.must_change_password or user.password_expired(policy.password_max_age_days)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "请先在网页上修改密码。"}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)
