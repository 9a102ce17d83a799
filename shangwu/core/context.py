"""Request context that travels with the work (a ContextVar, not a thread-local), so the audit log
can say who did what from where, even from code that never sees the request."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    path: str = ""
    request: object | None = None
    # For commands and tests run outside a request: the acting user, set explicitly.
    user: object | None = None

    def actor(self):
        if self.user is not None:
            return self.user
        user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None


_current: ContextVar[RequestContext | None] = ContextVar("shangwu_request_context", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext(path="(系统)")


@contextmanager
def acting(*, user=None, request=None, ip=None, path=""):
    """Run a block as a given user (commands, tests, background jobs)."""
    ctx = RequestContext(user=user, request=request, ip=ip, path=path)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def client_ip(request, trusted_proxies: int) -> str | None:
    """REMOTE_ADDR, or the address the last trusted proxy saw (X-Forwarded-For)."""
    if trusted_proxies > 0:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= trusted_proxies:
            return forwarded[-trusted_proxies]
    return request.META.get("REMOTE_ADDR")
