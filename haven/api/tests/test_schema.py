"""The OpenAPI schema and the interactive docs partners build against."""

import re

import pytest


@pytest.mark.django_db
def test_the_schema_describes_the_report_endpoints_and_bearer_tokens(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    submit = paths["/api/v1/reports/"]["post"]
    assert set(submit["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"200", "201", "400", "401", "429"} <= set(submit["responses"])
    assert "get" in paths["/api/v1/reports/"]
    assert "404" in paths["/api/v1/reports/{reference}/"]["get"]["responses"]
    assert {"HavenToken": []} in submit["security"]
    assert schema["components"]["securitySchemes"]["HavenToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "hvn_<key id>_<secret>",
        "description": schema["components"]["securitySchemes"]["HavenToken"]["description"],
    }
    form = schema["components"]["schemas"]["ReportFormRequest"]["properties"]
    assert form["files"]["items"]["format"] == "binary"


@pytest.mark.django_db
def test_the_docs_page_loads_its_assets_from_this_server_only(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert not re.search(r"https?://", html)
    assert "/api/schema/" in html
    bundle = next(asset for asset in assets if asset.endswith("swagger-ui-bundle.js"))
    served = client.get(bundle)
    served.close()  # a streamed file: close it, or the open handle is a warning
    assert served.status_code == 200
