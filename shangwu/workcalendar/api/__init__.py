from shangwu.workcalendar.api.views import router_register

__all__ = ["router_register"]
