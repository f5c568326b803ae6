"""NCMEC, StopNCII and Meta's ThreatExchange, spoken by python-threatexchange.

The library's SignalExchangeAPI classes do the exchange's part: the calls, the paging,
the checkpoints and which records are deletions (`fetch_iter`). Haven turns each record
into bank signals: the library's opinions and tags become labels and metadata, and its
checkpoint dataclasses are stored as JSON (`dataclasses.asdict`, read back with dacite).

Three small subclasses adapt the library where Haven needs something it lacks: a base
URL for stand-in servers (NCMEC), a timeout on every request (ThreatExchange), and
withdrawn hashes reported as deletions (StopNCII); each says why.
"""

import dataclasses
import logging
from collections.abc import Callable, Iterator
from typing import Any

import dacite
import requests
from threatexchange.exchanges.clients.fb_threatexchange.api import ThreatExchangeAPI
from threatexchange.exchanges.clients.ncmec.hash_api import (
    NCMECEntryType,
    NCMECEntryUpdate,
    NCMECEnvironment,
    NCMECHashAPI,
)
from threatexchange.exchanges.clients.stopncii.api import StopNCIIAPI, StopNCIICaseStatus
from threatexchange.exchanges.collab_config import CollaborationConfigBase
from threatexchange.exchanges.fetch_state import (
    AggregateSignalOpinionCategory,
    FetchDelta,
    FetchedSignalMetadata,
)
from threatexchange.exchanges.impl.fb_threatexchange_api import (
    FBThreatExchangeCollabConfig,
    FBThreatExchangeIndicatorRecord,
    FBThreatExchangeSignalExchangeAPI,
)
from threatexchange.exchanges.impl.ncmec_api import NCMECCollabConfig, NCMECSignalExchangeAPI
from threatexchange.exchanges.impl.stop_ncii_api import (
    StopNCIICheckpoint,
    StopNCIISignalExchangeAPI,
    StopNCIISignalMetadata,
    _get_delta_mapping,
)
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.sha256 import VideoSHA256Signal

from haven.exchanges.models import Kind
from haven.exchanges.sources.base import (
    Change,
    CredentialsRefused,
    FetchError,
    Page,
    http_failure,
    redact,
)
from haven.matching.banks import Signal
from haven.matching.models import SignalType

log = logging.getLogger(__name__)

# The library's implementations ignore this argument; it names what Haven can bank.
SUPPORTED = [PdqSignal, VideoMD5Signal, VideoSHA256Signal]
SERVICE_NAMES = {
    Kind.NCMEC: "NCMEC",
    Kind.STOPNCII: "StopNCII",
    Kind.THREATEXCHANGE: "ThreatExchange",
}
MAX_LABELS = 20

# Which NCMEC fingerprints Haven banks. The library maps only video MD5 to a signal,
# because its MD5 type is video-only; Haven's MD5 is any file's, so image MD5s count too.
NCMEC_FINGERPRINTS = {
    (NCMECEntryType.image, "pdq"): SignalType.PDQ,
    (NCMECEntryType.image, "md5"): SignalType.MD5,
    (NCMECEntryType.video, "md5"): SignalType.MD5,
}
STOPNCII_TYPES = {PdqSignal.get_name(): SignalType.PDQ, VideoMD5Signal.get_name(): SignalType.MD5}
THREATEXCHANGE_TYPES = {
    "HASH_PDQ": SignalType.PDQ,
    "HASH_MD5": SignalType.MD5,
    "HASH_VIDEO_MD5": SignalType.MD5,
    "HASH_SHA256": SignalType.SHA256,
    "HASH_VIDEO_SHA256": SignalType.SHA256,
}


class LibrarySource:
    """A source driving one python-threatexchange SignalExchangeAPI."""

    def __init__(
        self,
        api: Any,
        service: str,
        to_change: Callable[[Any, Any], Change],
        secrets: list[str],
        timeout: float | None = None,
    ):
        self.api = api
        self.service = service
        self.to_change = to_change
        self.secrets = secrets
        self.timeout = timeout

    def is_stale(self, checkpoint: dict) -> bool:
        state = self._load(checkpoint)
        return state is None or state.is_stale()

    def fetch(self, checkpoint: dict | None) -> Iterator[Page]:
        state = self._load(checkpoint) if checkpoint else None
        deltas = self.api.fetch_iter(SUPPORTED, state)
        while True:
            try:
                delta: FetchDelta = next(deltas)
            except StopIteration:
                return
            except FetchError:
                raise
            except Exception as exc:
                # Not chained: the library's messages can hold a URL with the token in it.
                log.warning("%s fetch failed: %s", self.service, self._redacted(exc))
                raise http_failure(self.service, exc, self.timeout) from None
            changes = [self.to_change(key, value) for key, value in delta.updates.items()]
            yield Page(changes, dataclasses.asdict(delta.checkpoint))

    def _load(self, checkpoint: dict | None):
        try:
            return dacite.from_dict(self.api.get_checkpoint_cls(), checkpoint or {})
        except (dacite.DaciteError, TypeError, ValueError):
            return None  # unreadable: treated as stale, so the fetch starts over

    def _redacted(self, exc: Exception) -> str:
        return redact(f"{type(exc).__name__}: {exc}"[:500], self.secrets)


# --- The library's classes, adapted ------------------------------------------------------


class HavenNCMECAPI(NCMECSignalExchangeAPI):
    """NCMEC's exchange; the base URL can point at a stand-in server, for tests only."""

    def __init__(self, collab: NCMECCollabConfig, username: str, password: str, base_url=""):
        super().__init__(collab, username, password)
        self.base_url = base_url

    def get_client(self, environment: NCMECEnvironment) -> NCMECHashAPI:
        client = super().get_client(environment)
        if self.base_url:
            client._base_url = self.base_url
        return client


class HavenStopNCIIAPI(StopNCIISignalExchangeAPI):
    """StopNCII's exchange, reporting withdrawn and deleted hashes as deletions.

    python-threatexchange 1.2.17's `_get_delta_mapping` compares the hash *value* with
    the Withdrawn/Deleted statuses, so it never reports a deletion; here the record's
    status is compared, as the library's comment intends. The rest is the library's.
    """

    def fetch_iter(
        self, _supported_signal_types: Any, checkpoint: StopNCIICheckpoint | None
    ) -> Iterator[FetchDelta]:
        start = StopNCIIAPI.DEFAULT_START_TIME if checkpoint is None else checkpoint.update_time
        gone = (StopNCIICaseStatus.Withdrawn, StopNCIICaseStatus.Deleted)
        for result in self.api.fetch_hashes_iter(start_timestamp=start):
            updates: dict = {}
            for record in result.hashRecords:
                key, metadata = _get_delta_mapping(record)
                if key[0]:
                    updates[key] = None if record.hashStatus in gone else metadata
            yield FetchDelta(updates, StopNCIICheckpoint.from_stopncii_fetch(result))


class HavenThreatExchangeClient(ThreatExchangeAPI):
    """The Graph API client with a timeout (the library's GET waits for ever), whose
    /threat_updates pages skip empty batches: the library's fetch asserts that a page is
    never empty, which a privacy group with no updates since the checkpoint sends."""

    def __init__(self, api_token: str, *, endpoint_override: str | None, timeout: float):
        super().__init__(api_token, endpoint_override=endpoint_override)
        self.timeout = timeout

    def get_threat_updates(self, privacy_group: int, **kwargs) -> Any:
        cursor = super().get_threat_updates(privacy_group, **kwargs)
        return (batch for batch in cursor if batch)

    def get_json_from_url(self, url: str, params: dict | None = None, *, json_obj_hook=None) -> Any:
        response = requests.get(url, params=params or {}, timeout=self.timeout)
        if response.status_code == 400 and _is_oauth_error(response):
            raise CredentialsRefused(
                "ThreatExchange refused the access token: check it on the exchange's settings page"
            )
        response.raise_for_status()
        return response.json(object_hook=json_obj_hook)


def _is_oauth_error(response: requests.Response) -> bool:
    # The Graph API answers a bad token with 400 and an OAuthException (code 190).
    try:
        error = response.json().get("error", {})
    except ValueError:
        return False
    return isinstance(error, dict) and (
        error.get("type") == "OAuthException" or error.get("code") == 190
    )


# --- Building a source -------------------------------------------------------------------


def library_source(
    kind: str, name: str, settings: dict, credentials: dict, timeout: float
) -> LibrarySource:
    base_url = settings.get("base_url") or None
    secrets = list(credentials.values())
    service = SERVICE_NAMES[Kind(kind)]
    if kind == Kind.NCMEC:
        collab = NCMECCollabConfig(
            name=name,
            environment=NCMECEnvironment[settings["environment"]],
            only_esp_ids=set(settings.get("only_esp_ids", [])),
        )
        api: Any = HavenNCMECAPI(
            collab, credentials["username"], credentials["password"], base_url or ""
        )
        return LibrarySource(api, service, _ncmec_change(collab), secrets)
    if kind == Kind.STOPNCII:
        client = StopNCIIAPI(
            credentials["subscription_key"],
            credentials["fetch_function_key"],
            base_url_override=base_url,
        )
        collab_base = CollaborationConfigBase(name=name, api="stop_ncii", enabled=True)
        return LibrarySource(
            HavenStopNCIIAPI(collab_base, client), service, _stopncii_change, secrets
        )
    if kind == Kind.THREATEXCHANGE:
        te_client = HavenThreatExchangeClient(
            credentials["api_token"], endpoint_override=base_url, timeout=timeout
        )
        te_collab = FBThreatExchangeCollabConfig(
            name=name, privacy_group=int(settings["privacy_group"])
        )
        api = FBThreatExchangeSignalExchangeAPI(te_client, te_collab)
        return LibrarySource(api, service, _threatexchange_change, secrets, timeout)
    raise ValueError(f"python-threatexchange does not speak {kind!r}")


# --- Records into signals ----------------------------------------------------------------


def _key(*parts) -> str:
    return ":".join(str(part) for part in parts)[:255]


def _ncmec_change(collab: NCMECCollabConfig) -> Callable[[str, NCMECEntryUpdate], Change]:
    def convert(key: str, entry: NCMECEntryUpdate | None) -> Change:
        if entry is None or entry.deleted:
            return Change(key)
        if collab.only_esp_ids and entry.member_id not in collab.only_esp_ids:
            return Change(key)
        labels = [entry.classification] if entry.classification else []
        metadata = {
            "exchange": Kind.NCMEC.value,
            "esp_id": entry.member_id,
            "entry_type": entry.entry_type.value,
        }
        signals = [
            Signal(signal_type, value, labels=labels, metadata=metadata, external_id=key)
            for fingerprint, value in sorted(entry.fingerprints.items())
            if (signal_type := NCMEC_FINGERPRINTS.get((entry.entry_type, fingerprint)))
        ]
        return Change(key, signals)

    return convert


def _stopncii_change(key: tuple[str, str], record: StopNCIISignalMetadata | None) -> Change:
    type_name, value = key
    signal_type = STOPNCII_TYPES.get(type_name)
    if record is None or signal_type is None:
        return Change(_key(type_name, value))
    feedback = {f.source or "unnamed": f.feedbackValue.value for f in record.feedbacks}
    extra = {"exchange": Kind.STOPNCII.value, "feedback": feedback}
    return _opinionated(_key(type_name, value), signal_type, value, record, extra)


def _threatexchange_change(
    key: tuple[str, str], record: FBThreatExchangeIndicatorRecord | None
) -> Change:
    threat_type, indicator = key
    signal_type = THREATEXCHANGE_TYPES.get(threat_type)
    if record is None or signal_type is None:
        return Change(_key(threat_type, indicator))
    extra = {
        "exchange": Kind.THREATEXCHANGE.value,
        "indicator_type": threat_type,
        "owners": sorted({opinion.owner_app_id for opinion in record.opinions}),
    }
    return _opinionated(_key(threat_type, indicator), signal_type, indicator, record, extra)


def _opinionated(
    key: str, signal_type: str, value: str, record: FetchedSignalMetadata, extra: dict
) -> Change:
    """One signal, labelled with the record's tags; withdrawn if everyone calls it benign."""
    opinion = record.get_as_aggregate_opinion()
    if opinion.category == AggregateSignalOpinionCategory.NEGATIVE_CLASS:
        return Change(key)
    labels = sorted(str(tag) for tag in opinion.tags)[:MAX_LABELS]
    metadata = {"opinion": opinion.category.name.lower(), **extra}
    return Change(
        key, [Signal(signal_type, value, labels=labels, metadata=metadata, external_id=key)]
    )
