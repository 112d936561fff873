"""Results: collaboratives, results, indicators, areas, periods, series and observations."""
