"""Spike's webhook deliveries on the kit's side: the contract's rules (`contract`), the
signing scheme the client copies (`signature`), events and signed bodies (`events`), one
delivery sent by hand (`send`), and the `spike-kit webhook verify|check` commands.

Importing this package imports nothing beyond the kit's base dependencies: the pytest plugin
and the spec tools load it everywhere the kit is installed; what sends HTTP needs the `mock`
extra (httpx) and imports it when used.
"""
