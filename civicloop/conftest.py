from civicloop.core.tests.people import alice, bob, carol, dave, erin, frank, riverton  # noqa: F401
