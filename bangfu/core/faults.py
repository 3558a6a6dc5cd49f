"""Named points where the fault drills kill the process (``tests/drills``).

A drill proves that a write killed half-way leaves nothing partial: it starts the server, a
command or the worker with ``BANGFU_FAULT`` set to one point's name, and the process sends
itself SIGKILL when it reaches that point — inside a transaction, or just after one — exactly
there, every run, with no timer racing the work. Each point costs one dict lookup. Never set
``BANGFU_FAULT`` in production.
"""

import os
import signal


def point(name: str) -> None:
    """Die here, at once and without cleaning up, if the drill named this point."""
    if os.environ.get("BANGFU_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
