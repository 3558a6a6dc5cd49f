"""Reads about resident work teams that pages, the API, exports and reports share, one module
per part of the work (``admin``: teams, members, the four teams, the attendance sheet). Each
starts from ``.visible_to(user)``; a record outside the user's places answers 404."""
