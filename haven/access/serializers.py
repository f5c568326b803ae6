"""What the access policy API accepts and returns; the OpenAPI schema is built from these.

Decision requests are checked by haven.access.service (the same checks for HTTP and
Python callers, with one message per field); the request serializers here describe
them for the schema. Profiles and matrix queries are checked here. The catalogue and a
policy's matrix are built as plain data at the end, and described by the serializers.
"""

from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from rest_framework import serializers

from haven.access.catalogue import (
    ACTION_KEYS,
    ADULT_AGE,
    AGE_BANDS,
    BAND_KEYS,
    CONTEXT_KEYS,
    CONTEXTS,
    DEFAULT_CONTEXT,
    DESCRIPTORS,
    MATURITY_CHOICES,
    MONITORED_BY,
    VULNERABILITIES,
    VULNERABILITY_KEYS,
    Action,
)
from haven.access.compiled import compiled_for
from haven.access.forms_children import age_of
from haven.access.models import Policy
from haven.access.service import MAX_BATCH, MAX_REF, MAX_TEXT, MAX_TITLE
from haven.access.unblocking import is_lasting

ACTIONS = list(ACTION_KEYS.values())


# Fields named like other areas' enums (age_band, kind), or sharing the actions under a
# second name (inherited), list their values in words: named enum components in the
# schema would collide with the others'.
def _one_of(values) -> str:
    return "One of: " + ", ".join(values) + "."


# --- Decisions ------------------------------------------------------------------------------


class ProfileRequestSerializer(serializers.Serializer):
    id = serializers.CharField(
        required=False, help_text="A child profile's public id (chd_...) in your organisation."
    )
    age = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        help_text="Instead of an id: the child's age in whole years. 18 and over: an adult.",
    )
    maturity = serializers.ChoiceField(choices=MATURITY_CHOICES, required=False)
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=VULNERABILITIES), required=False
    )
    monitored_by = serializers.ChoiceField(choices=MONITORED_BY, required=False)


class ContentRequestSerializer(serializers.Serializer):
    descriptors = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text='Descriptor: level, from the catalogue, e.g. {"violence": "realistic_mild"}.',
    )
    text = serializers.CharField(
        required=False,
        max_length=MAX_TEXT,
        help_text="Text to analyse (grooming, self-harm intent, bullying, threats, and "
        "content descriptors). Analysed in memory and never stored.",
    )
    ref = serializers.CharField(
        required=False,
        max_length=MAX_REF,
        help_text="A URL or your own id of the content: matches approved requests to unblock.",
    )
    title = serializers.CharField(required=False, max_length=MAX_TITLE)


class DecisionRequestSerializer(serializers.Serializer):
    policy = serializers.CharField(
        required=False,
        help_text="A policy's public id (pol_...). Default: the profile's policy, else your "
        "organisation's.",
    )
    profile = ProfileRequestSerializer()
    context = serializers.ChoiceField(choices=CONTEXT_KEYS, default=DEFAULT_CONTEXT, required=False)
    content = ContentRequestSerializer(help_text="Give descriptors, text or both.")


class BatchRequestSerializer(serializers.Serializer):
    items = DecisionRequestSerializer(many=True, help_text=f"At most {MAX_BATCH}.")


class SignalSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text='"<descriptor>.<pattern>", e.g. "grooming.secrecy".')
    descriptor = serializers.CharField()
    level = serializers.CharField()
    evidence = serializers.CharField(help_text="The words that matched (at most 80 characters).")


class ReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule's id, e.g. HVN-SEX-EXPLICIT.")
    title = serializers.CharField()
    source = serializers.CharField(help_text="The citation: which reference, which part.")
    descriptor = serializers.CharField()
    level = serializers.CharField()
    action = serializers.ChoiceField(choices=ACTIONS)
    effect = serializers.ChoiceField(choices=["set", "relaxed", "raised", "capped", "approved"])
    layer = serializers.CharField(help_text='"default", or the name of the policy.')
    decisive = serializers.BooleanField(help_text="This rule produced the final action.")


class ResourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    topics = serializers.ListField(child=serializers.CharField())


class ExplanationSerializer(serializers.Serializer):
    child = serializers.CharField(help_text="For the child, in words for their age.")
    adult = serializers.CharField()


class MonitoringSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    by = serializers.ChoiceField(choices=["parent", "school"], allow_null=True)
    notice = serializers.CharField(
        allow_blank=True, help_text="Show it to the child: a visible sign of monitoring."
    )


class PolicyVersionSerializer(serializers.Serializer):
    id = serializers.CharField()
    version = serializers.IntegerField()


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    alert_adult = serializers.BooleanField(help_text="A trusted adult should be told.")
    alert_raised = serializers.BooleanField(
        help_text="An alert was made for the profile's adults (known profiles only)."
    )
    show_support = serializers.BooleanField(help_text="Show the support resources.")
    unblockable = serializers.BooleanField(
        help_text="A trusted adult may lift it; false when a locked rule decided."
    )
    age_band = serializers.CharField(
        allow_null=True, help_text=_one_of(BAND_KEYS) + " null for adults."
    )
    context = serializers.ChoiceField(choices=CONTEXT_KEYS)
    descriptors = serializers.DictField(
        child=serializers.CharField(), help_text="Declared and found in text, together."
    )
    signals = SignalSerializer(many=True)
    reasons = ReasonSerializer(many=True)
    support = ResourceSerializer(many=True)
    explanation = ExplanationSerializer()
    monitoring = MonitoringSerializer()
    why_url = serializers.URLField(
        allow_null=True,
        help_text="The child's page explaining the decision, with a request to unblock "
        "(known profiles, warn and above).",
    )
    profile = serializers.CharField(allow_null=True)
    policy = PolicyVersionSerializer()


class BatchItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid or not_found.")
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


class BatchItemSerializer(DecisionSerializer):
    """A decision, or an error in its place (then only index and error)."""

    index = serializers.IntegerField()
    error = BatchItemErrorSerializer(required=False)


class BatchSerializer(serializers.Serializer):
    results = BatchItemSerializer(many=True)


# --- Catalogue and policies -----------------------------------------------------------------


class KeyLabelSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class DescriptorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    family = serializers.ChoiceField(choices=["content", "contact", "signal"])
    levels = KeyLabelSerializer(many=True, help_text="Mild to severe.")


class BandSerializer(KeyLabelSerializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()


class ActionSerializer(KeyLabelSerializer):
    rank = serializers.IntegerField(help_text="0 (allow) to 4 (block).")


class CatalogueSerializer(serializers.Serializer):
    descriptors = DescriptorSerializer(many=True)
    bands = BandSerializer(many=True)
    contexts = KeyLabelSerializer(many=True)
    vulnerabilities = KeyLabelSerializer(many=True)
    maturity = KeyLabelSerializer(many=True)
    monitored_by = KeyLabelSerializer(many=True)
    actions = ActionSerializer(many=True)


class PolicySerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    kind = serializers.CharField(help_text=_one_of(Policy.Kind.values))
    name = serializers.CharField()
    parent = serializers.CharField(source="parent.public_id", allow_null=True, default=None)
    version = serializers.IntegerField()
    adult_label = serializers.CharField(allow_blank=True)
    adjustments = serializers.IntegerField(help_text="Cells this policy sets itself.")
    updated_at = serializers.DateTimeField()


class MatrixQuerySerializer(serializers.Serializer):
    context = serializers.ChoiceField(choices=CONTEXT_KEYS, default=DEFAULT_CONTEXT)
    vulnerabilities = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Comma-separated vulnerability keys: the matrix for a child with them.",
    )

    def validate_vulnerabilities(self, value: str) -> list[str]:
        keys = [key.strip() for key in value.split(",") if key.strip()]
        unknown = [key for key in keys if key not in VULNERABILITY_KEYS]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown vulnerability {', '.join(unknown)}. "
                f"Valid: {', '.join(VULNERABILITY_KEYS)}."
            )
        return keys


class CellSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    inherited = serializers.CharField(
        help_text="The action before this policy's own adjustment. " + _one_of(ACTIONS)
    )
    locked = serializers.BooleanField(help_text="Set by a rule no policy can weaken.")
    rules = serializers.ListField(child=serializers.CharField(), help_text="Rules that took part.")


class MatrixLevelSerializer(KeyLabelSerializer):
    cells = serializers.DictField(child=CellSerializer(), help_text="By age band.")


class MatrixDescriptorSerializer(KeyLabelSerializer):
    levels = MatrixLevelSerializer(many=True)


class PolicyMatrixSerializer(serializers.Serializer):
    policy = PolicySerializer()
    layers = PolicyVersionSerializer(many=True, help_text="Haven's default first.")
    context = serializers.ChoiceField(choices=CONTEXT_KEYS)
    vulnerabilities = serializers.ListField(child=serializers.CharField())
    bands = serializers.ListField(child=serializers.CharField())
    descriptors = MatrixDescriptorSerializer(many=True)


# --- Profiles and requests to unblock -------------------------------------------------------


class ChildProfileSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    label = serializers.CharField(max_length=60, help_text="Not necessarily a name.")
    policy = serializers.CharField(
        source="policy.public_id", help_text="A school or family policy's public id."
    )
    birth_year = serializers.IntegerField()
    birth_month = serializers.IntegerField(min_value=1, max_value=12, default=1)
    maturity = serializers.ChoiceField(choices=MATURITY_CHOICES, default="as_age")
    vulnerabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=VULNERABILITIES), default=list
    )
    monitored_by = serializers.ChoiceField(choices=MONITORED_BY, default="", allow_blank=True)

    def validate(self, attrs):
        age = age_of(attrs["birth_year"], attrs.get("birth_month", 1))
        if age < 0:
            raise serializers.ValidationError({"birth_year": "Not born yet."})
        if age >= ADULT_AGE:
            raise serializers.ValidationError(
                {"birth_year": f"Profiles are for children: under {ADULT_AGE} today."}
            )
        return attrs


class ChildProfileListItemSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    label = serializers.CharField()
    policy = serializers.CharField(source="policy.public_id")


class UnblockStatusSerializer(serializers.Serializer):
    token = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    profile = serializers.CharField(source="profile.public_id")
    content_ref = serializers.CharField()
    content_title = serializers.CharField(allow_blank=True)
    action = serializers.ChoiceField(
        choices=ACTIONS, help_text="The decision that was asked about."
    )
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    in_force = serializers.SerializerMethodField(
        help_text="Approved and not expired: decisions for this content and child allow it."
    )

    def get_in_force(self, unblock_request) -> bool:
        return is_lasting(unblock_request)


# --- Built here, described above ------------------------------------------------------------


def catalogue_data() -> dict[str, Any]:
    """CatalogueSerializer's data: built once per language, it never changes while
    Haven runs."""
    return _catalogue(get_language() or "en")


@lru_cache(maxsize=16)
def _catalogue(language: str) -> dict[str, Any]:
    """The vocabulary clients use, with labels in `language` (the active one)."""

    def pairs(choices) -> list[dict[str, str]]:
        return [{"key": key, "label": str(label)} for key, label in choices]

    return {
        "descriptors": [
            {
                "key": d.key,
                "label": str(d.label),
                "family": d.family,
                "levels": [{"key": level.key, "label": str(level.label)} for level in d.levels],
            }
            for d in DESCRIPTORS
        ],
        "bands": [
            {"key": b.key, "label": str(b.label), "low": b.low, "high": b.high} for b in AGE_BANDS
        ],
        "contexts": pairs(CONTEXTS),
        "vulnerabilities": pairs(VULNERABILITIES),
        "maturity": pairs(MATURITY_CHOICES),
        "monitored_by": pairs(MONITORED_BY),
        "actions": [{"key": a.key, "label": a.label, "rank": int(a)} for a in Action],
    }


def matrix_data(policy: Policy, context: str, flags: frozenset[str]) -> dict[str, Any]:
    """The policy's effective action for every descriptor level and age band in
    `context`, for a child with `flags`: with the action it inherited from the layers
    below, whether a locked rule holds it, and the rules that took part."""
    compiled = compiled_for(policy)

    def cell(descriptor: str, level: str, band: str) -> dict[str, Any]:
        found = compiled.cell(descriptor, level, band, context, flags)
        return {
            "action": found.action.key,
            "inherited": found.inherited.key,
            "locked": found.locked,
            "rules": [reason.rule_id for reason in found.reasons],
        }

    return {
        "layers": [{"id": key, "version": version} for key, version in compiled.policy_ids],
        "context": context,
        "vulnerabilities": sorted(flags),
        "bands": list(BAND_KEYS),
        "descriptors": [
            {
                "key": d.key,
                "label": str(d.label),
                "levels": [
                    {
                        "key": level.key,
                        "label": str(level.label),
                        "cells": {band: cell(d.key, level.key, band) for band in BAND_KEYS},
                    }
                    for level in d.levels
                ],
            }
            for d in DESCRIPTORS
        ],
    }
