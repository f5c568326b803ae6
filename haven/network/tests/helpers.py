"""Helpers the network's tests share."""

from datetime import timedelta

from haven.network.models import RotaShift


def shift(responder, start, hours=12, position=1, partner=None):
    return RotaShift.objects.create(
        partner=partner or responder.partner,
        responder=responder,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        position=position,
    )
