"""The table: partner organisations, their footprint, seats, chairs and strategies."""
