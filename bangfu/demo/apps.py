from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for ``make run``: sits above every domain app, which it fills."""

    name = "bangfu.demo"
    label = "demo"
