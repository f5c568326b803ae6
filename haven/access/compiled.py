"""Compiled policies for stored Policy rows, cached in the process.

A compiled policy is keyed by the (id, public id, version) of every layer of its chain, so a
change to any layer (which bumps its version, see bump_version) is seen by the next
decision that loads the policy, in every process, without telling anyone.
"""

import threading
from collections import OrderedDict

from django.db.models import F
from django.utils import timezone

from haven.access.catalogue import Action, is_valid_level
from haven.access.default_policy import DEFAULT_RULES
from haven.access.engine import CompiledPolicy, Layer
from haven.access.models import Policy, PolicyRule

CACHE_SIZE = 256

DEFAULT = CompiledPolicy(DEFAULT_RULES)

_cache: OrderedDict[tuple[tuple[int, str, int], ...], CompiledPolicy] = OrderedDict()
_lock = threading.Lock()


def chain(policy: Policy) -> list[Policy]:
    """The layers from the organisation's policy down to `policy`. No query when the
    parent is loaded with select_related("parent") (one level is all there is)."""
    layers = [policy]
    seen = {policy.pk}
    while layers[-1].parent_id is not None:
        parent = layers[-1].parent
        if parent is None or parent.pk in seen:
            break  # a cycle would be a data error; do not loop on it
        seen.add(parent.pk)
        layers.append(parent)
    return layers[::-1]


def compiled_for(policy: Policy | None) -> CompiledPolicy:
    """The compiled policy for `policy` (None: Haven's default rules alone)."""
    if policy is None:
        return DEFAULT
    layers = chain(policy)
    # The public id too: a row id can be reused after a delete (SQLite), a public id not.
    key = tuple((layer.pk, layer.public_id, layer.version) for layer in layers)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    compiled = CompiledPolicy(DEFAULT_RULES, _layers(layers))
    with _lock:
        _cache[key] = compiled
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def _layers(policies: list[Policy]) -> list[Layer]:
    overrides: dict[int, dict[tuple[str, str, str, str], Action]] = {p.pk: {} for p in policies}
    rows = PolicyRule.objects.filter(policy__in=[p.pk for p in policies]).values_list(
        "policy_id", "descriptor", "level", "age_band", "context", "action"
    )
    for policy_id, descriptor, level, band, context, action in rows:
        # A row the catalogue no longer knows is ignored rather than breaking decisions.
        if is_valid_level(descriptor, level):
            try:
                overrides[policy_id][(descriptor, level, band, context)] = Action.from_key(action)
            except ValueError:
                continue
    return [
        Layer(public_id=p.public_id, version=p.version, name=p.name, overrides=overrides[p.pk])
        for p in policies
    ]


def bump_version(policy: Policy) -> None:
    """Mark `policy` changed (call after editing its rules): the next decision
    recompiles. An F() update, so that two editors at once both count."""
    Policy.objects.filter(pk=policy.pk).update(version=F("version") + 1, updated_at=timezone.now())
    policy.refresh_from_db(fields=["version", "updated_at"])


def clear_cache() -> None:
    with _lock:
        _cache.clear()
