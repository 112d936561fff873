"""Number and date formats where civicloop's readers differ from Django's defaults.

US cities' Spanish services (and Mexico, Puerto Rico and most of Central America) write
numbers as English does, 1,234.5, not 1.234,5 as Spain does; so must a Spanish page, or a
value in a table (Django's formatting) and the same value in a sentence (learn.words) would
disagree.
"""
