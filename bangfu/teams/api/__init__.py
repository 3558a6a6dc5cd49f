"""The teams app's API operations, one router per part of the work (``admin``: teams and
members), each added to ``bangfu.api.main``."""
