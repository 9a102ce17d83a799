from django.apps import AppConfig


class PromotionConfig(AppConfig):
    name = "shangwu.promotion"
    verbose_name = "促消费与经贸活动"
