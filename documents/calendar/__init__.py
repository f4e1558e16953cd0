"""The working-day calendar: office hours, public holidays, declared days off and make-up days."""
