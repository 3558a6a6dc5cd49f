"""The teams app's pages, one module per part of the work (``admin``: teams, members, the four
teams of a village, the attendance sheet; ``leave``; ``residence``; ``work``; ``checkins``: the
member's phone page, month calendar and register by hand, the check-in flags): thin, a
parameter read, one selector or service, a template; ``urls.py`` names them."""
