"""Simulators of the national systems motcua talks to: small Starlette apps speaking
each adapter's protocol, run as real HTTP servers on loopback by the tests and by
`motcua serve` in development mode. They import nothing of motcua (docs/population.md)."""
