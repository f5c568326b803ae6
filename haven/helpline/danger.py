"""A contact that says a child is in danger now, with no emergency raised from it.

Recording the risk "In danger now" or the action "Emergency raised" does not alert
anyone: only an emergency does (haven.emergencies). Saving is never blocked (the
counsellor may be raising it by phone, or the child may have hung up), but the contact's
pages then say so, with a button to raise it."""

from haven.helpline.models import Contact, RiskLevel


def missing_emergency(contact: Contact) -> str:
    """Why this contact should have an emergency and has none, or "" when all is well."""
    if contact.anonymised_at is not None:
        return ""
    if contact.risk_level == RiskLevel.IMMEDIATE:
        reason = "its risk is “In danger now”"
    elif "emergency" in (contact.actions or []):
        reason = "its actions say “Emergency raised”"
    else:
        return ""
    if contact.emergencies.exists():
        return ""
    return reason
