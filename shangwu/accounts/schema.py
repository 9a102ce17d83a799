"""OpenAPI descriptions of our authentication classes (they extend DRF's session and token)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class PolicySessionScheme(SessionScheme):
    target_class = "shangwu.accounts.api.PolicySessionAuthentication"


class PolicyTokenScheme(TokenScheme):
    target_class = "shangwu.accounts.api.PolicyTokenAuthentication"
