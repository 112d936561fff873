"""The bundled demo collaborative: synthetic, deterministic, and with planted signals.

`generator` makes the data (pure Python/NumPy, fixed seed); `install` puts it in a
workspace through the same load path a real partner's file takes.
"""
