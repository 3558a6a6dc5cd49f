"""The teams app's API operations, one ``ninja.Router`` per part of the work (``admin``:
teams and members; ``leave``; ``residence``; ``work``), each added in ``bangfu.api.main``."""
