"""The machinery rules use to plan their fixes: libcst edits that keep every comment and
formatting choice (``edits``), and text edits between two versions of a file (``patch``).

Applying fixes to files is ``cachelint.autofix``'s job.
"""
