"""Extraction: typed records (indicators, projects, problems, tasks, or a user's schema) from
rules and/or the model, each grounded to an exact span of the original; the bulk runner.
May import: ``core``, ``text``, ``llm``, ``index``.
"""
