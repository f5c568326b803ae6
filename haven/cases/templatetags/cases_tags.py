"""Words for the codes a case stores without choices of its own (the service type is the
network's, the gender and risk the helpline's)."""

from django import template

from haven.helpline.models import Gender, RiskLevel
from haven.network.models import ServiceType

register = template.Library()


def _label(choices, code) -> str:
    return str(choices(code).label) if code in choices.values else str(code or "")


@register.filter
def service_type_label(code) -> str:
    return _label(ServiceType, code)


@register.filter
def gender_label(code) -> str:
    return _label(Gender, code)


@register.filter
def risk_label(code) -> str:
    return _label(RiskLevel, code)
