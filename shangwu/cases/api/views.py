def router_register(router):
    """Registers this app's API viewsets (none yet)."""
