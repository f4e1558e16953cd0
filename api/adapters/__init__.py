"""Adapters to the national systems: each implements a port of `documents/national/`
over the system's protocol, with its endpoint and limits from the settings."""
