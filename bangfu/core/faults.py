"""Fault points: named places in long operations where a drill kills the process on purpose.

``point(name)`` does nothing unless the environment variable ``BANGFU_FAULT`` names that
point, in which case the process sends itself SIGKILL there, as a power cut or the kernel's
out-of-memory killer would: no ``finally``, no ``atexit``, no flush. The fault drills
(``tests/operations``) start a command with ``BANGFU_FAULT=<point>`` and check that what was
interrupted is afterwards either whole or plainly absent. A server never sets the variable.

The points, each where the code that reaches it says:

- ``backup.after_first_chunk``: ``core.backup`` has written the archive's first encrypted
  chunk (the manifest) to ``DEST.partial`` and not yet the database.
"""

import os
import signal


def point(name: str) -> None:
    """Kill this process here, at once, when ``BANGFU_FAULT`` names ``name``."""
    if os.environ.get("BANGFU_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
