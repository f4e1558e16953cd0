"""ASGI middleware, one per module: request guard, authentication, rate limit."""
