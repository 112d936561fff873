"""Spanish as US cities write it: Django's Spanish formats, with the period as decimal mark."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
