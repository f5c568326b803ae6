"""Hash bank pages."""

urlpatterns: list = []
