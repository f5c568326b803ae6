"""Signals other apps listen to when classifications change.

`url_classified(sender, report_url, labels, by, source)` is sent after the transaction
that changed a reported address's labels commits: `labels` is the address's labels now,
as {scheme key: label key}; `by` is the analyst, or None when the labels were given
automatically (`source` is then "repeat" or "known_material"). Takedown listens, and
asks `services.is_actionable(report_url)` whether a notice is called for.
"""

from django.dispatch import Signal

url_classified = Signal()
