"""Every rule, in code order: the one list that drives checks, --select, docs and outputs."""

from __future__ import annotations

from cachelint.rules.base import Rule
from cachelint.rules.stc001_unhashable_argument import UnhashableArgument
from cachelint.rules.stc002_unhashable_self import UnhashableSelf
from cachelint.rules.stc003_identity_hash_func import IdentityHashFunc
from cachelint.rules.stc004_volatile_hash_func import VolatileHashFunc
from cachelint.rules.stc005_dead_hash_funcs_key import DeadHashFuncsKey
from cachelint.rules.stc006_excluded_argument_affects_result import ExcludedArgumentAffectsResult
from cachelint.rules.stc007_unserializable_return import UnserializableReturn
from cachelint.rules.stc008_widget_in_cached_function import WidgetInCachedFunction
from cachelint.rules.stc009_session_state_in_cache import SessionStateInCache
from cachelint.rules.stc010_hidden_global_input import HiddenGlobalInput
from cachelint.rules.stc011_removed_cache_api import RemovedCacheApi
from cachelint.rules.stc012_invalid_cache_option import InvalidCacheOption
from cachelint.rules.stc013_awaitable_from_sync_cache import AwaitableFromSyncCache
from cachelint.rules.stc014_failing_hash_func import FailingHashFunc

RULES: tuple[Rule, ...] = (UnhashableArgument(), UnhashableSelf(), IdentityHashFunc(), VolatileHashFunc(),
                           DeadHashFuncsKey(), ExcludedArgumentAffectsResult(), UnserializableReturn(),
                           WidgetInCachedFunction(), SessionStateInCache(), HiddenGlobalInput(),
                           RemovedCacheApi(), InvalidCacheOption(), AwaitableFromSyncCache(),
                           FailingHashFunc())

# Diagnostics about the file itself rather than the app's caching.
SYNTAX_ERROR = "STC900"
INTERNAL_ERROR = "STC901"
BUDGET_EXCEEDED = "STC902"
FILE_CODES = {SYNTAX_ERROR: "file-not-parsed", INTERNAL_ERROR: "internal-error",
              BUDGET_EXCEEDED: "analysis-budget-exceeded"}

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def selected(select: frozenset[str] | None = None, ignore: frozenset[str] = frozenset()) -> list[Rule]:
    """Rules whose code starts with a selected prefix and with no ignored prefix."""
    def chosen(code: str) -> bool:
        if select is not None and not any(code.startswith(p) for p in select):
            return False
        return not any(code.startswith(p) for p in ignore)

    return [rule for rule in RULES if chosen(rule.code)]
