from haven.demo.seed import seed_demo
from haven.matching.models import BankEntry, HashBank
from haven.matching.services import lookup


def test_the_demo_has_a_known_bank_and_a_safe_list_that_cancels_its_hits(db):
    seed_demo()
    banks = HashBank.objects.filter(name__startswith="Demo")
    assert sorted(banks.values_list("name", "is_safe")) == [
        ("Demo known material", False),
        ("Demo safe list", True),
    ]
    known = BankEntry.objects.filter(bank__name="Demo known material", signal_type="pdq").first()
    hits = lookup(known.bank.organisation_id, pdq=known.value, pdq_quality=100)
    assert any(hit.entry == known and not hit.suppressed for hit in hits)
