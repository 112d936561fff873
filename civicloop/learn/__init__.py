"""Learn: the analysis engine.

Pure NumPy/SciPy: importing this package never imports Django, so the statistics can
be read, tested and benchmarked on their own. The Django side (storing results,
commands, pages) lives in `civicloop.learn.store` and friends and imports from here,
never the other way round.
"""
