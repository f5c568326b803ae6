"""Classification summaries in lists of reports, read in one query for the whole list."""

from django import template

from haven.classification.services import grouped_summaries

register = template.Library()


@register.simple_tag
def classification_summaries(reports) -> dict:
    """{report id: [(scheme, "label, label…")…]} for every report in `reports`: one
    entry per scheme, its labels joined with the most serious first."""
    return grouped_summaries([report.pk for report in reports])


@register.filter
def summary_for(found: dict, report) -> list:
    return found.get(report.pk, [])
