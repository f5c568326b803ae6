"""Notice templates: which one applies, and rendering it safely from the database.

Templates are Django template strings written by supervisors, so they are rendered by a
dedicated engine with no loaders and no extra libraries, only the tags in `ALLOWED_TAGS`,
autoescape off (notices are plain text), and a context of plain strings and lists: a
template can say what is in the context and nothing else (no model object to walk from).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, TokenType, Variable, VariableNode
from django.template.defaulttags import FirstOfNode, ForNode, IfNode, NowNode, WithNode

from haven.takedown.models import NoticeKind, NoticeTemplate

ENGINE = Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid="")
# Tags that only shape text. No load/include/extends (they reach files and libraries),
# no url/csrf_token/debug (they reveal the server), no block.
ALLOWED_TAGS = frozenset(
    {
        "if",
        "elif",
        "else",
        "endif",
        "for",
        "empty",
        "endfor",
        "with",
        "endwith",
        "firstof",
        "comment",
        "endcomment",
        "spaceless",
        "endspaceless",
        "filter",
        "endfilter",
        "now",
        "templatetag",
    }
)
FALLBACK_LANGUAGE = "en"
# What a notice must always say: which address, and where to answer.
REQUIRED_VARIABLES = ("url", "reply_url")
DATE_FORMAT = "%Y-%m-%d %H:%M UTC"

# Every variable a template may use, with what it holds (shown on the editing page).
VARIABLES = {
    "organisation": "Your organisation's name.",
    "reference": "The takedown's reference (TD-…), to quote when answering.",
    "url": "The reported address.",
    "reported_at": "When the address was reported to you.",
    "checked_at": "When it was last seen online.",
    "classification": "The classification in words (“INTERPOL: Baseline; Apparent age: 6 to 9”).",
    "hashes": "A list: the hashes of what was found (e.g. “SHA-256 …”).",
    "host_name": "The host's name, if known.",
    "country": "The hosting country code, if known.",
    "first_notice_at": "When the first notice went (empty for a first notice).",
    "notices_sent": "How many notices went before this one.",
    "reminder_number": "Which reminder this is (1, 2, …).",
    "reappeared": "True when the content had been removed and is back.",
    "reply_url": "The link where the host answers (no login needed).",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


class TemplateRefused(ValueError):
    """A template that cannot be used; `field` is "subject" or "body"."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.message, self.field = message, field


def language_candidates(*languages: str) -> list[str]:
    """["pt-br", "pt", "fr", "en"]: each language, then its base, then English."""
    found: list[str] = []
    for language in (*languages, FALLBACK_LANGUAGE):
        code = (language or "").strip().lower().replace("_", "-")
        for candidate in (code, code.split("-")[0]):
            if candidate and candidate not in found:
                found.append(candidate)
    return found


def choose_template(organisation, kind: str, *languages: str) -> NoticeTemplate:
    """The organisation's template for the first language that has one, else the built-in
    one; languages are tried in order, then the organisation's default, then English.
    Without an organisation, built-in templates only."""
    order = language_candidates(*languages, organisation.language if organisation else "")
    owners = Q(organisation=None)
    if organisation is not None:
        owners |= Q(organisation=organisation)
    rows = NoticeTemplate.objects.filter(owners, kind=kind, language__in=order)
    best = sorted(rows, key=lambda row: (order.index(row.language), row.organisation_id is None))
    if not best:
        raise LookupError(f"No {kind} notice template, not even the built-in English one.")
    return best[0]


def check_syntax(text: str, field: str) -> None:
    for token in Lexer(text).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0] if token.contents.strip() else ""
            if name not in ALLOWED_TAGS:
                raise TemplateRefused(
                    f"The tag {{% {name} %}} is not allowed in notices. Use variables, "
                    "if, for, with and filters.",
                    field,
                )
    try:
        ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise TemplateRefused(f"This does not read as a template: {error}", field) from error


# Names every template context has (Django's own), besides VARIABLES.
_BUILTIN_NAMES = frozenset({"True", "False", "None"})


def unknown_variables(text: str) -> list[str]:
    """Variables the template uses that no notice has: they would print as nothing.
    Names a template makes itself (`for x in …`, `with x=…`, `… as x`) are known inside."""
    found: list[str] = []
    _walk(ENGINE.from_string(text).nodelist, set(VARIABLES) | _BUILTIN_NAMES, found)
    return found


def _walk(nodelist, known: set[str], found: list[str]) -> None:
    for node in nodelist:
        if isinstance(node, VariableNode):
            _expression(node.filter_expression, known, found)
        elif isinstance(node, ForNode):
            if isinstance(node.sequence, FilterExpression):
                _expression(node.sequence, known, found)
            _walk(node.nodelist_loop, known | set(node.loopvars) | {"forloop"}, found)
            _walk(node.nodelist_empty, known, found)
        elif isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                _condition(condition, known, found)
                _walk(nodelist, known, found)
        elif isinstance(node, WithNode):
            for expression in node.extra_context.values():
                if isinstance(expression, FilterExpression):
                    _expression(expression, known, found)
            _walk(node.nodelist, known | set(node.extra_context), found)
        elif isinstance(node, FirstOfNode | NowNode):
            for expression in getattr(node, "vars", ()):
                _expression(expression, known, found)
            if node.asvar:  # `… as name` sets it for the rest of the block
                known.add(node.asvar)
        else:  # filter, spaceless, comment, text: what is inside them
            expression = getattr(node, "filter_expr", None)
            if expression is not None:
                _filters(expression, known, found)
            for name in node.child_nodelists:
                _walk(getattr(node, name, None) or [], known, found)


def _expression(expression: FilterExpression, known: set[str], found: list[str]) -> None:
    _variable(expression.var, known, found)
    _filters(expression, known, found)


def _filters(expression: FilterExpression, known: set[str], found: list[str]) -> None:
    for _function, arguments in expression.filters:
        for is_variable, argument in arguments:
            if is_variable:
                _variable(argument, known, found)


def _variable(variable, known: set[str], found: list[str]) -> None:
    if not isinstance(variable, Variable) or variable.lookups is None:
        return  # a literal: "text", 3
    name = variable.lookups[0]
    if name not in known and name not in found:
        found.append(name)


def _condition(condition, known: set[str], found: list[str]) -> None:
    """An `if` condition: literals and the operators (and, not, ==…) that join them."""
    if condition is None:  # {% else %}
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _expression(value, known, found)
    for part in ("first", "second"):
        inner = getattr(condition, part, None)
        if inner is not None:
            _condition(inner, known, found)


def check_variables(text: str, field: str) -> None:
    unknown = unknown_variables(text)
    if unknown:
        names = ", ".join("{{ " + name + " }}" for name in unknown)
        raise TemplateRefused(
            f"{names} {'is not a variable' if len(unknown) == 1 else 'are not variables'} "
            f"of notices: {'it' if len(unknown) == 1 else 'they'} would print as nothing. "
            f"Use {', '.join(VARIABLES)}.",
            field,
        )


def render_text(subject: str, body: str, context: dict) -> Rendered:
    check_syntax(subject, "subject")
    check_syntax(body, "body")
    try:
        rendered_subject = ENGINE.from_string(subject).render(Context(context, autoescape=False))
        rendered_body = ENGINE.from_string(body).render(Context(context, autoescape=False))
    except Exception as error:  # a template error of any kind: refuse the template
        raise TemplateRefused(f"This template does not render: {error}") from error
    # One line: a subject with a line break would be refused by the mail server.
    return Rendered(" ".join(rendered_subject.split()), rendered_body.strip() + "\n")


def render(template: NoticeTemplate, context: dict) -> Rendered:
    return render_text(template.subject, template.body, context)


def validate(subject: str, body: str) -> Rendered:
    """Render on the sample; refuse what does not render or leaves out the essentials."""
    if not subject.strip():
        raise TemplateRefused("Write a subject.", "subject")
    rendered = render_text(subject, body, sample_context())
    check_variables(subject, "subject")
    check_variables(body, "body")
    for name in REQUIRED_VARIABLES:
        if "{{ " + name not in body and "{{" + name not in body:
            raise TemplateRefused(f"The body must include {{{{ {name} }}}}.", "body")
    if not rendered.subject:
        raise TemplateRefused("The subject renders empty.", "subject")
    return rendered


def when(moment: datetime | None) -> str:
    return moment.strftime(DATE_FORMAT) if moment else ""


def sample_context() -> dict:
    """What the preview shows: an invented takedown with every variable filled."""
    return {
        "organisation": "Northern Hotline",
        "reference": "TD-ABCDE-FGHJK",
        "url": "https://files.example.net/share/4f2a9c",
        "reported_at": "2026-03-02 09:14 UTC",
        "checked_at": "2026-03-02 10:15 UTC",
        "classification": "INTERPOL: Baseline; Apparent age: 6 to 9",
        "hashes": [
            "MD5 9e107d9d372bb6826bd81d3542a419d6",
            "SHA-256 d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
        ],
        "host_name": "Example Hosting Ltd",
        "country": "DE",
        "first_notice_at": "2026-03-02 10:15 UTC",
        "notices_sent": 2,
        "reminder_number": 2,
        "reappeared": False,
        "reply_url": "https://hotline.example.org/takedown/answer/sample/",
    }


KINDS = [kind for kind, _ in NoticeKind.choices]
