"""Statistics: facts, roll-ups, indicators, the deadline sweep, rebuild, ratings and feedback."""
