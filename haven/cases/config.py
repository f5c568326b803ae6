"""How long each step of a case may take. Every duration is a setting: a Django setting of
the name below when haven/settings.py declares one (tests override them that way), else
the environment variable HAVEN_<NAME>, else the default here (Primero's, where it has one).

docs/cases.md lists them.
"""

from datetime import timedelta

from django.conf import settings

from haven.env import env_float

# Primero's rule: a new case must be assigned within 3 hours, within 1 hour when the child
# is at high risk.
DEFAULTS = {
    "CASES_ASSIGN_HOURS": 3.0,
    "CASES_ASSIGN_HOURS_HIGH_RISK": 1.0,
    # From assignment to a written assessment.
    "CASES_ASSESSMENT_DAYS": 3.0,
    # From the assessment to a written case plan.
    "CASES_PLAN_DAYS": 7.0,
    # The services stage lasts until its services are delivered; with none planned, the
    # case is due to have some (or to move on) this many days after entering it.
    "CASES_SERVICES_DAYS": 14.0,
    # Follow-ups are scheduled every this many days until the case is closed.
    "CASES_FOLLOW_UP_DAYS": 30.0,
    # A referral the partner has neither accepted nor declined after this many hours is
    # shown on the overdue board (so that someone telephones the partner).
    "CASES_REFERRAL_ANSWER_HOURS": 24.0,
}

HIGH_RISK_LEVELS = frozenset({"high", "immediate"})


def number(name: str) -> float:
    value = getattr(settings, name, None)
    if value is None:
        value = env_float(f"HAVEN_{name}", DEFAULTS[name])
    return float(value)


def assign_within(risk_level: str) -> timedelta:
    """How long a new case may wait for someone to be assigned to it."""
    if risk_level in HIGH_RISK_LEVELS:
        return timedelta(hours=number("CASES_ASSIGN_HOURS_HIGH_RISK"))
    return timedelta(hours=number("CASES_ASSIGN_HOURS"))


def assessment_within() -> timedelta:
    return timedelta(days=number("CASES_ASSESSMENT_DAYS"))


def plan_within() -> timedelta:
    return timedelta(days=number("CASES_PLAN_DAYS"))


def services_within() -> timedelta:
    return timedelta(days=number("CASES_SERVICES_DAYS"))


def follow_up_every() -> timedelta:
    return timedelta(days=number("CASES_FOLLOW_UP_DAYS"))


def referral_answer_within() -> timedelta:
    return timedelta(hours=number("CASES_REFERRAL_ANSWER_HOURS"))


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")
