"""Reads about resident work teams that pages, the API, exports and reports share, one module
per part of the work (``admin``: teams, members, the four teams, the attendance sheet;
``leave``; ``residence``; ``work``; ``checkins``: the phone's check-ins, the member's month, the
check-in flags). Each starts from ``.visible_to(user)``; a record outside the user's places
answers 404. Import the module you need."""
