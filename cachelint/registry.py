"""Every rule, in code order: the one list of rule classes the engine runs.

Names, severities and summaries live in ``cachelint.catalog`` (data, cheap to import);
this module imports the rules, and astroid with them.
"""

from __future__ import annotations

from cachelint import catalog
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
from cachelint.rules.stc015_thread_bound_resource import ThreadBoundResource
from cachelint.rules.stc016_shared_resource_mutated import SharedResourceMutated
from cachelint.rules.stc017_event_loop_bound_resource import EventLoopBoundResource
from cachelint.rules.stc018_cache_key_collision import CacheKeyCollision
from cachelint.rules.stc019_exhaustible_resource import ExhaustibleResource
from cachelint.rules.stc020_validate_never_true import ValidateNeverTrue
from cachelint.rules.stc021_unconditional_cache_clear import UnconditionalCacheClear
from cachelint.rules.stc022_session_cache_off_thread import SessionCacheOffThread
from cachelint.rules.stc023_unbounded_cache import UnboundedCache
from cachelint.rules.stc024_cached_side_effect import CachedSideEffect
from cachelint.rules.stc025_deprecated_cache_api import DeprecatedCacheApi
from cachelint.rules.stc026_session_state_in_cache_indirect import SessionStateInCacheIndirect

RULES: tuple[Rule, ...] = (UnhashableArgument(), UnhashableSelf(), IdentityHashFunc(), VolatileHashFunc(),
                           DeadHashFuncsKey(), ExcludedArgumentAffectsResult(), UnserializableReturn(),
                           WidgetInCachedFunction(), SessionStateInCache(), HiddenGlobalInput(),
                           RemovedCacheApi(), InvalidCacheOption(), AwaitableFromSyncCache(),
                           FailingHashFunc(), ThreadBoundResource(),
                           SharedResourceMutated(), EventLoopBoundResource(), CacheKeyCollision(),
                           ExhaustibleResource(),
                           ValidateNeverTrue(), UnconditionalCacheClear(),
                           SessionCacheOffThread(), UnboundedCache(), CachedSideEffect(), DeprecatedCacheApi(),
                           SessionStateInCacheIndirect())

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def rules_for(select: frozenset[str] | None = None, ignore: frozenset[str] = frozenset(),
              preview: bool = False) -> list[Rule]:
    """The rules a run needs: the selected ones, and those that supersede a selected one
    (their findings decide what a selected rule may report, even when not shown)."""
    chosen = {rule.code for rule in RULES if catalog.selected(rule.code, select, ignore, preview)}
    needed = set(chosen)
    while True:
        more = {rule.code for rule in RULES if rule.supersedes & needed} - needed
        if not more:
            break
        needed |= more
    return [rule for rule in RULES if rule.code in needed]
