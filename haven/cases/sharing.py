"""What a partner is shown of a referral: the one place that decides it.

Without the child's consent to share (the case's `consent_share`, as it is now: consent
withdrawn later is honoured at once) the partner sees the case reference, the service,
the child's age band and district, and nothing else: no name, no note. With consent it
also sees the child's name, age, gender, categories and the counsellor's note.
"""

from dataclasses import dataclass, replace

from haven.cases.models import CaseReferral
from haven.cases.services import child_name
from haven.helpline import taxonomy
from haven.helpline.models import Gender
from haven.network.models import ServiceType


@dataclass(frozen=True)
class SharedReferral:
    referral: CaseReferral
    case_reference: str
    service_type: str
    service_name: str
    helpline: str
    age_band: str
    district: str
    consented: bool
    # Only with consent; "" otherwise.
    child_name: str = ""
    age: int | None = None
    gender: str = ""
    categories: tuple[str, ...] = ()
    note: str = ""


def shared_view(referral: CaseReferral) -> SharedReferral:
    case = referral.case
    shared = SharedReferral(
        referral=referral,
        case_reference=case.reference,
        service_type=_service_type_label(referral.partner_service.service_type),
        service_name=referral.partner_service.name,
        helpline=case.organisation.name,
        age_band=taxonomy.age_band(case.child_age),
        district=str(case.district) if case.district else "",
        consented=case.consent_share,
    )
    if not case.consent_share:
        return shared
    return replace(
        shared,
        child_name=child_name(case),
        age=case.child_age,
        gender=str(Gender(case.gender).label) if case.gender in Gender.values else "",
        categories=tuple(taxonomy.full_label(code) for code in case.categories),
        note=referral.note,
    )


def _service_type_label(code: str) -> str:
    return str(ServiceType(code).label) if code in ServiceType.values else code
