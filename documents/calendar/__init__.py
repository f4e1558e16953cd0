"""The working-day and working-hour calendar: office hours and a procedure's own time rules,
public holidays, declared days off and make-up days."""
