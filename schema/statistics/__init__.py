"""Statistics, ranking and the ratings and feedback they draw on (docs/scoreboard.md)."""
