"""Sent after commit each time a reported address has been checked, with the `Fetch`.

Other apps (takedown) may listen to learn of a removal or a return without polling.
"""

from django.dispatch import Signal

url_checked = Signal()  # kwargs: fetch
