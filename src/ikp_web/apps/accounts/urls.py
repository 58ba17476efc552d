from django.urls import path

from ikp_web.apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.IkpLoginView.as_view(), name="login"),
    path("keluar/", views.logout_view, name="logout"),
]
