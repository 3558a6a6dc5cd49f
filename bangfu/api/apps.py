from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bangfu.api"
    label = "api"
