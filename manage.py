#!/usr/bin/env python
"""Django's manage.py; `haven` is the same thing, installed on the PATH."""

from haven.cli import main

if __name__ == "__main__":
    main()
