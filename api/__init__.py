"""Transport and wiring: the Starlette app factory, settings, database start-up, and by job
http/, middleware/, workers/, cli/."""
