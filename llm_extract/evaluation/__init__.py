"""Evaluation: score extraction, QA, retrieval and document metadata against the gold set in
``eval/`` on a frozen split, and check the floors.  May import every stage below it.
"""
