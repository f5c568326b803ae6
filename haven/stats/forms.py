"""The date range every statistics page, export and API call is asked for."""

from datetime import date, timedelta

from django import forms

from haven.stats.services import DateRange

DEFAULT_DAYS = 30
QUICK_DAYS = (7, 30, 90, 365)
# Long enough for a five-year review, short enough that one request stays cheap.
MAX_DAYS = 5 * 366
# Dates asked for must fall in these years: far from the ends of the calendar, where
# counting a day past the end of the range cannot be done.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class RangeForm(forms.Form):
    """`from` and `to` (ISO dates, both included), or `days` counting back from today."""

    # Without dates: this many days up to today.
    default_days = DEFAULT_DAYS

    days = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(d, str(d)) for d in QUICK_DAYS]
    )

    def __init__(self, data, today: date):
        super().__init__(data)
        self.today = today
        # "from" is a Python keyword, so these two cannot be class attributes.
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(required=False, label="From", widget=date_input)
        self.fields["to"] = forms.DateField(required=False, label="To", widget=date_input)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if any(day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR for day in (start, end)):
            raise forms.ValidationError(f"Choose dates between {FIRST_YEAR} and {LAST_YEAR}.")
        if not start and not end:
            data["range"] = DateRange.last_days(data.get("days") or self.default_days, self.today)
            return data
        end = end or max(self.today, start)
        start = start or end - timedelta(days=self.default_days - 1)
        if start > end:
            raise forms.ValidationError("The start date must be on or before the end date.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose a range of at most {MAX_DAYS} days.")
        data["range"] = DateRange(start, end)
        return data

    @property
    def date_range(self) -> DateRange:
        """The range asked for, or the default days when what was asked is not valid."""
        if self.is_valid():
            return self.cleaned_data["range"]
        return DateRange.last_days(self.default_days, self.today)


REMOVAL_DEFAULT_DAYS = 365


class RemovalRangeForm(RangeForm):
    """The removal statistics look back a year by default: takedowns are fewer than
    reports, and an annual report is what they are most often read for."""

    default_days = REMOVAL_DEFAULT_DAYS
