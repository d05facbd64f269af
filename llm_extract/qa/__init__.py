"""Question answering: read the question once, find the documents it is about, answer a figure from
the stored indicator records when they settle it, else retrieve, focus the passages, ask the model for
a cited answer and check it (citations, numbers), take a second look when the model declines, or abstain.
May import: ``core``, ``text``, ``llm``, ``index``, ``extract``.
"""
