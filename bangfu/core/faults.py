"""Named points where the fault drills kill the process (``tests/drills``, ``tests/operations``).

A drill proves that a write killed half-way leaves nothing partial: it starts the server, a
command or the worker with ``BANGFU_FAULT`` set to one point's name, and the process sends
itself SIGKILL when it reaches that point — as a power cut or the kernel's out-of-memory
killer would: no ``finally``, no ``atexit``, no flush — exactly there, every run, with no
timer racing the work. Each point costs one dict lookup. Never set ``BANGFU_FAULT`` in
production.

The points, each where the code that reaches it says:

- ``visit_record.written`` / ``visit_record.committed``: a visit's transaction has written
  it and its audit entry / has committed, and the phone has no answer yet;
- ``households_import.halfway``: an import's households are inserted, their members not;
- ``place_rollups.halfway``: ``rebuild_place_rollups`` has rewritten the places' stock and
  not yet their months;
- ``backup.after_first_chunk``: ``core.backup`` has written the archive's first encrypted
  chunk (the manifest) to ``DEST.partial`` and not yet the database.
"""

import os
import signal


def point(name: str) -> None:
    """Die here, at once and without cleaning up, if the drill named this point."""
    if os.environ.get("BANGFU_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
