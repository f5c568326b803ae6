"""HMA-compatible API (Hasher-Matcher-Actioner's paths), scoped to the caller's banks."""

urlpatterns: list = []
