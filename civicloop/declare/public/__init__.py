"""The public site: one set of pages (`pages`), served live and built as static files, with
what the public may see (`snapshot`), how pages link (`links`), open data, the Atom feed and
the network view."""
