app_name = "submissions"
urlpatterns: list = []  # type: ignore[type-arg]
