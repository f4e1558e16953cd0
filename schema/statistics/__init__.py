"""Statistics and ranking (docs/scoreboard.md), and rating and giving feedback on dossiers."""
