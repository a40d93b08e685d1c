"""Hosts that run cachelint: flake8 and editors (the language server). The command line
is ``cachelint.cli``; the pylint plugin is ``cachelint.pylint_plugin``, the name given to
pylint's ``load-plugins``."""
