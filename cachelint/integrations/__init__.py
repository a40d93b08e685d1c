"""Hosts that run cachelint: flake8, the command line, editors."""
