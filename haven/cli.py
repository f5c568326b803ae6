"""The `haven` command: Django's management commands under Haven's name.

haven run --demo          start web server and worker together (what `make run` does)
haven token create ...    issue an API token
haven bank import ...     import a hash list (see docs/banks.md)
haven index snapshot      write the PDQ index to disk (see docs/matching.md)
haven migrate             any Django management command works the same way
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["haven", *argv])
    execute_from_command_line(args)


def positive_int(value: str) -> int:
    """An argparse type for counts and limits given on the command line."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


if __name__ == "__main__":
    main()
