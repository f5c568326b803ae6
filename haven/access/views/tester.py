"""The tester: sample content and a child in, the decision the API would give out, with
its reasons, signals, support and both explanations.

The sample is posted, not put in the address: text in a URL would reach server logs,
browser history and the request-line limit of the server long before 20,000
characters. Nothing is stored or logged; the service decides for an inline profile, so
no alert is raised and no why-link is made.
"""

from dataclasses import dataclass, field
from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from haven.access.access import access_page, policies_for, policy_for
from haven.access.catalogue import CONTEXTS, DESCRIPTOR_BY_KEY, MONITORED_BY, Action
from haven.access.default_policy import DEFAULT_RULES
from haven.access.forms_policy import TesterForm, descriptor_field_name
from haven.access.models import Policy
from haven.access.service import Invalid, NotFound, decide_request
from haven.web.forms import error_links

FORM_ID = "tester-form"
RULE_IDS = frozenset(rule.id for rule in DEFAULT_RULES)


@dataclass(frozen=True)
class Sample:
    """Content a new user can try at once. Harmful samples describe the content rather
    than quote it: the declared descriptor is what a platform would send."""

    key: str
    label: Any
    text: str
    descriptors: dict[str, str] = field(default_factory=dict)
    age: int = 12
    context: str = "home"

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "age": self.age,
            "maturity": "as_age",
            "context": self.context,
            "monitored_by": "",
        }
        data.update({descriptor_field_name(k): v for k, v in self.descriptors.items()})
        return data


SAMPLES = (
    Sample(
        "sex-education",
        gettext_lazy("A sex education page"),
        "Puberty, consent and contraception: what changes in your body, how to say no, "
        "and where a young person can get confidential advice.",
        {"sexual": "education"},
        age=13,
    ),
    Sample(
        "grooming",
        gettext_lazy("A grooming message"),
        "You're so mature for your age. How old are you? Don't tell your parents about "
        "us, this is our secret. Add me on another app and send me a photo.",
        age=12,
    ),
    Sample(
        "recovery",
        gettext_lazy("A self-harm recovery forum post"),
        "Six months clean from self-harm today. What helped me was talking to a "
        "counsellor and calling a helpline when the urges came. If you are struggling, "
        "you are not alone: reach out.",
        {"self_harm": "recovery_support"},
        age=14,
    ),
    Sample(
        "pro-self-harm",
        gettext_lazy("A post encouraging self-harm"),
        "(A synthetic sample, described rather than quoted: a post that tells readers "
        "that hurting themselves is a good way to cope and that they should hide it.)",
        {"self_harm": "promoting"},
        age=14,
    ),
    Sample(
        "news-shooting",
        gettext_lazy("A news report of a shooting"),
        "Police said three people were injured in a shooting outside a shopping centre "
        "on Saturday evening. A man has been arrested.",
        {"violence": "realistic_intense"},
        age=11,
        context="news",
    ),
    Sample(
        "museum-nude",
        gettext_lazy("A nude statue in a museum"),
        "A marble statue of a nude figure from ancient Greece, in the museum's sculpture gallery.",
        {"nudity": "artistic"},
        age=10,
        context="art",
    ),
)
SAMPLE_BY_KEY = {sample.key: sample for sample in SAMPLES}


@require_http_methods(["GET", "POST"])
@access_page
def tester(request, policy_id: int):
    policy = policy_for(request.user, policy_id)
    sample = SAMPLE_BY_KEY.get(request.GET.get("sample", ""))
    if request.method == "POST":
        form = TesterForm(request.POST)
    elif sample is not None:
        form = TesterForm(sample.data())
    else:
        form = TesterForm()
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = decide_request(policy.organisation, form.decision_request(policy))
        except (Invalid, NotFound) as problem:
            form.add_error(None, _("The service refused the sample: %s") % problem)
    page = {
        "policy": policy,
        "form": form,
        "samples": SAMPLES,
        "sample": sample,
        "result": _shown(request.user, policy, result) if result else None,
        "error_links": error_links(form, FORM_ID),
    }
    return render(request, "access/tester.html", page, status=400 if form.errors else 200)


def _shown(user, policy: Policy, result: dict[str, Any]) -> dict[str, Any]:
    """The service's answer with names for people and links for the rules."""
    matrices = {
        found.public_id: reverse("access:policy", kwargs={"policy_id": found.pk})
        for found in policies_for(user).filter(pk__in=[policy.pk, policy.parent_id or 0])
    }
    rules_url = reverse("access:rules")
    reasons = []
    for reason in result["reasons"]:
        rule = reason["rule"]
        if rule in RULE_IDS:
            url = f"{rules_url}#rule-{rule}"
        else:
            url = matrices.get(rule.split(":", 1)[0], "")
        reasons.append(
            {
                **reason,
                "url": url,
                "action_label": Action.from_key(reason["action"]).label,
                "what": _descriptor_label(reason["descriptor"], reason["level"]),
            }
        )
    signals = [
        {**signal, "what": _descriptor_label(signal["descriptor"], signal["level"])}
        for signal in result["signals"]
    ]
    action = Action.from_key(result["action"])
    return {
        **result,
        "action_label": action.label,
        "reasons": reasons,
        "signals": signals,
        "context_label": dict(CONTEXTS).get(result["context"], result["context"]),
        "monitored_label": dict(MONITORED_BY).get(result["monitoring"]["by"] or "", ""),
        "found": [_descriptor_label(key, level) for key, level in result["descriptors"].items()],
    }


def _descriptor_label(key: str, level: str) -> str:
    descriptor = DESCRIPTOR_BY_KEY.get(key)
    if descriptor is None:
        return ""
    levels = {lv.key: lv.label for lv in descriptor.levels}
    return f"{descriptor.label}: {levels.get(level, level)}"
