"""The workflow: the transition table, the engine, the actions, payments and submission."""
