from django.urls import path

from .views import figures

app_name = "projects"
urlpatterns = [
    # figures (项目资金指标)
    path("funds/", figures.funds, name="funds"),
]
