"""Reads about resident work teams that pages, the API, exports and reports share, one module
per part of the work; each starts from ``.visible_to(user)``."""
