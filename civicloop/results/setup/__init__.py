"""The backbone's set-up pages: a collaborative built and maintained in the browser.

Everything a backbone admin needs to stand up a collaborative without a platform
superuser or Django's admin: its profile and logo, results and indicators (with their
targets and progress settings), areas imported from GeoJSON, strategies and
organisations. One module per resource; each page asks `civicloop.core.access.can_set_up`
through `common.setup_collaborative`, and every rule lives on the models (``full_clean``),
so a form, a configuration file and the admin refuse the same things.
"""
