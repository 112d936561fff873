"""civicloop: runs the loop by which a city's collaborative achieves large-scale change.

sources -> measure -> indicators (results) -> learn -> review -> declare, with the table
(partners, seats, chairs, commitments, roles, priorities) feeding back into it.
"""

__version__ = "0.1.0"
