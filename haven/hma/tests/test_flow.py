"""An HMA client's whole flow, as Coop or HMA's own tests drive it, against Haven."""

import time

from haven.hma.tests.samples import BASE, flip


def test_an_hma_client_banks_a_hash_finds_it_then_disables_it_for_a_while(supervisor_api):
    created = supervisor_api.post("/hma/c/banks", {"name": "COOP_ORG1_KNOWN"}, format="json")
    assert created.status_code == 201

    added = supervisor_api.post(
        "/hma/c/bank/COOP_ORG1_KNOWN/signal", {"pdq": flip(BASE, 5)}, format="json"
    )
    content_id = added.json()["id"]

    query = {"signal_type": "pdq", "signal": BASE}
    found = supervisor_api.get("/hma/m/lookup", query).json()
    assert found == {"COOP_ORG1_KNOWN": [{"bank_content_id": content_id, "distance": "5"}]}

    tomorrow = int(time.time()) + 86_400
    disabled = supervisor_api.put(
        f"/hma/c/bank/COOP_ORG1_KNOWN/content/{content_id}",
        {"disable_until_ts": tomorrow},
        format="json",
    )
    assert disabled.json()["disable_until_ts"] == tomorrow

    assert supervisor_api.get("/hma/m/lookup", query).json() == {}
    assert supervisor_api.get("/hma/m/raw_lookup", query).json() == {"matches": []}
