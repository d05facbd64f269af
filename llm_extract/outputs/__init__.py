"""Outputs for people: the place × period table of indicator records and the HTML report that
highlights every record in its original text.  May import every stage below it.
"""
