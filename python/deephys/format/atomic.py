"""Files replaced atomically (written to a temporary file, then renamed): their permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def final_mode(path: Path) -> int:
    """Permissions for the finished file: those of the file it replaces, else a new file's (0o666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
