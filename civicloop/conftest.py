# Fixtures shared by every part, defined once here: named people, and the browser plumbing
# (one Playwright instance per session; modules import helpers, never these fixtures).
from civicloop.core.tests.browser import browser, demo_server, page  # noqa: F401
from civicloop.core.tests.people import alice, bob, carol, dave, erin, frank, riverton  # noqa: F401
