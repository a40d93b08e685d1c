"""Automatic fixes (libcst codemods), for the command line and the editor integration.

    from cachelint.fixes import fix_source
    result = fix_source(text, "app.py")            # safe fixes only
    result.new_text, result.applied, result.remaining

Fixes keep every comment and formatting choice, never return code that does not
parse, and are idempotent (fixing the result again changes nothing). ``fix_file``
and ``write_atomically`` write files safely (temporary file + rename, permissions
kept); ``fix_bytes`` keeps the file's encoding and line endings.
"""

from cachelint.fixes.fixer import fix_bytes, fix_file, fix_source, write_atomically
from cachelint.fixes.model import AppliedFix, FixResult, Keep

__all__ = ["AppliedFix", "FixResult", "Keep", "fix_bytes", "fix_file", "fix_source", "write_atomically"]
