"""Reads about resident work teams, one module per part of the work (``checkins``: the
phone's check-ins, the member's month, the check-in flags). Import the module you need."""
