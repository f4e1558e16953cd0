"""Background work each API process runs: event hub, webhook worker, deadline sweeper."""
