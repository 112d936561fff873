# Fixtures shared by every part, defined once here: named people, the browser plumbing (one
# Playwright instance per session) and the in-process CLI. Modules import helpers, never
# these fixtures.
from civicloop.core.tests.browser import browser, demo_server, page  # noqa: F401
from civicloop.core.tests.commands import cli  # noqa: F401
from civicloop.core.tests.demos import built_demo, initialised_workspace  # noqa: F401
from civicloop.core.tests.network import local_servers_allowed  # noqa: F401
from civicloop.core.tests.people import alice, bob, carol, dave, erin, frank, riverton  # noqa: F401
