from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "yhdyspinta.national"
    verbose_name = "National view"
