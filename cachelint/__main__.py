"""``python -m cachelint``: the same as the ``cachelint`` command."""

from cachelint.cli import main

main()
