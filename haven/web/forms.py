"""What every staff form shares: showing an action's refusal on the form, and the error
summary at the top of a page, whose links go to the fields at fault and name them."""

from django import forms


def show_refusal(form: forms.Form, error) -> None:
    """Put an action's refusal (`message`, and the `field` at fault if any) on the form."""
    field = error.field if getattr(error, "field", None) in form.fields else None
    form.add_error(field, error.message)


def error_links(form: forms.Form, form_id: str) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary: each links to its field and names it,
    unless the message already does ("Abuse e-mail: Enter an e-mail address…"); errors
    of the whole form link to the form (`form_id`)."""
    links: list[tuple[str, str]] = []
    for name, errors in form.errors.items():
        label = ""
        if name in form.fields:
            bound = form[name]
            anchor = f"{bound.auto_id}_0" if bound.use_fieldset else bound.auto_id
            label = str(bound.label or "")
        else:
            anchor = form_id
        links.extend((anchor, named(label, str(message))) for message in errors)
    return links


def named(label: str, message: str) -> str:
    """`message` prefixed with the field's label, unless it already names it."""
    if not label or label.casefold() in message.casefold():
        return message
    return f"{label}: {message}"
