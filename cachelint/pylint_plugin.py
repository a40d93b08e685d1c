"""``load-plugins=cachelint.pylint_plugin``: cachelint's checks as pylint messages (E9501 ...).

The plugin lives in :mod:`cachelint.integrations.pylint`; this module is the short
name to give pylint.
"""

from cachelint.integrations.pylint import CachelintChecker, register

__all__ = ["CachelintChecker", "register"]
