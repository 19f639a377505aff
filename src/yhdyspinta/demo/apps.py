from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "yhdyspinta.demo"
    verbose_name = "Demo data"
