from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shangwu.cases"
    verbose_name = "诉求与交办件"

    def ready(self):
        # Only a dispatch: when a year's holiday arrangement is entered, the 暂定 deadlines are
        # recomputed by the cases service (services/provisional.py), in the same transaction.
        from shangwu.cases.services.provisional import calendar_year_entered_receiver
        from shangwu.workcalendar.services import calendar_year_entered

        calendar_year_entered.connect(
            calendar_year_entered_receiver, dispatch_uid="cases_recompute_provisional"
        )
