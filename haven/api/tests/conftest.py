"""API tests use the shared personas and token clients of the root conftest."""
