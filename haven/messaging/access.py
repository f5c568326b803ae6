"""Fetch SMS channels only through these helpers: every lookup is scoped to the user's
organisation, and only supervisors and administrators manage channels, so an id from a
URL never reaches another organisation's channel."""

from django.http import Http404

from haven.messaging.models import SmsChannel


def channels_for(user):
    if user is None or not user.is_authenticated or not user.is_supervisor:
        return SmsChannel.objects.none()
    return SmsChannel.objects.filter(organisation_id=user.organisation_id)


def access_channel(user, sms_channel_id: int) -> SmsChannel:
    channel = channels_for(user).filter(pk=sms_channel_id).first()
    if channel is None:
        raise Http404("No such SMS channel")
    return channel
