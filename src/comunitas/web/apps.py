from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "comunitas.web"
    label = "web"
    verbose_name = "Web"
