"""Ports to the national systems outside motcua: what the domain asks of them, as plain
values and protocols; the adapters that speak to them live in `api/adapters/`."""
