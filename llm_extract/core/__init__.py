"""Core: the shared data types (``types``), typed errors (``errors``), the one ``Settings`` object
(``config``), CJK character helpers (``cjk``) and CPU feature flags (``cpu``).

Imports nothing else of ours; ``types`` imports nothing of ours at all.
"""
