"""The teams app's pages, one module per part of the work (``admin``: teams, members, the four
teams of a village, the attendance sheet; ``leave``; ``residence``; ``work``): thin, a
parameter read, one selector or service, a template."""
