app_name = "scoring"
urlpatterns: list = []  # type: ignore[type-arg]
