"""One probe per rule code: ``stcNNN.py`` proves STCNNN's runtime consequence.

Every module here is imported by ``oracle.registry.load_probes``; a module
registers its check with ``@probe("STCNNN")``. See tests/oracle/README.md.
"""
