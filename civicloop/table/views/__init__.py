"""The table's pages, one module per part: organisations and their footprint, seats and who
is missing, the shared-families network, chairs, commitments, prioritisation rounds."""
