"""Question answering: retrieve, focus the passages, ask the model for a cited answer, check it
(citations, numbers), take a second look when the model declines, or abstain.
May import: ``core``, ``text``, ``llm``, ``index``.
"""
