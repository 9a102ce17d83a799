from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "shangwu.workcalendar"
    verbose_name = "工作日历"

    def ready(self):
        # Only cache invalidation: every change to the entered arrangements forgets the
        # compiled years (services.py), whoever made it.
        from django.db.models.signals import post_delete, post_save

        from shangwu.workcalendar.models import CalendarYear, DayArrangement
        from shangwu.workcalendar.services import calendar_cache_invalidate

        for model in (CalendarYear, DayArrangement):
            for signal in (post_save, post_delete):
                signal.connect(
                    calendar_cache_invalidate,
                    sender=model,
                    dispatch_uid=f"workcalendar_cache_{model.__name__}_{signal is post_save}",
                )
