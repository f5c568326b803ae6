"""Exchange pages and the feed another Haven instance fetches from."""

urlpatterns: list = []
