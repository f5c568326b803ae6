"""Fail when a translation is missing or fuzzy, or a compiled .mo is out of date.

Run by `make lint`. Compiling with polib here means no one needs GNU gettext to
check the catalogues; `make messages` (which does need it) refreshes them.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "haven" / "locale"
REQUIRED = ("fr", "es", "hi")


def problems_in(language: str) -> list[str]:
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        return [f"{language}: {po_path} is missing"]
    catalogue = polib.pofile(str(po_path))
    found = [f"{language}: untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    found += [f"{language}: fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    if not mo_path.exists():
        found.append(f"{language}: {mo_path.name} is missing; run `make messages`")
    else:
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                continue
            if compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
                found.append(f"{language}: {mo_path.name} is out of date; run `make messages`")
                break
    return found


def main() -> int:
    problems = [p for language in REQUIRED for p in problems_in(language)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
