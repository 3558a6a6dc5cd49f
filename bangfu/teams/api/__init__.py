"""The teams app's API operations, one ``ninja.Router`` per part of the work (``admin``:
teams and members; ``leave``; ``residence``; ``work``: meetings, tasks, reports, discipline;
``checkins``: check-ins and the register by hand), each added in ``bangfu.api.main``."""
