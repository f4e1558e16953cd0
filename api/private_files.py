"""Files only their owner may read: the data directory (0700) and what motcua writes in it (0600).

The development data directory holds the JWT secret, the embedded database and its
log; none of it is for other users of the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(path: Path) -> Path:
    """`path`, created with its missing parents as 0700; directories that already
    exist are left as they are (they may not be motcua's)."""
    for directory in reversed((path, *path.parents)):
        if not directory.exists():
            # The mode is masked by the umask, which can only take permissions away.
            directory.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    return path


def open_private(path: Path, flags: int) -> int:
    """A descriptor on `path` opened with `flags` (os.O_*), the file created 0600 and
    tightened to 0600 if it already existed (files motcua wrote with older versions)."""
    descriptor = os.open(path, flags | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor
