from django.conf import settings

from shangwu.core import context


class RequestContextMiddleware:
    """Opens the request context (request id, address) that the audit log reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = context.client_ip(request, settings.TRUSTED_PROXY_COUNT)
        with context.acting(request=request, ip=ip, path=request.path) as ctx:
            request.request_id = ctx.request_id
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself. Every asset is served by the platform, so the
    content security policy names only 'self'."""

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response
