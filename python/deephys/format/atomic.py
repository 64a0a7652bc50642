"""Files replaced atomically: written beside the target, then moved into place in one step.

On Linux the new file is an unnamed temporary file (`O_TMPFILE`) in the target's folder: until it is
linked into place it has no name, so nothing is left behind whatever stops the process, SIGKILL and
power loss included. Elsewhere (or on a filesystem without `O_TMPFILE`) it is a hidden file with a
recognisable name, `.NAME.deephys-tmp-XXXXXXXX`, removed on any error; `deephys repair NAME` removes
those a killed process left (`temporaries` lists them).
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..errors import MissingFileError

#: What the name of a (named) temporary file holds after the target's name.
TEMP_MARK = ".deephys-tmp-"


def final_mode(path: Path) -> int:
    """Permissions for the finished file: those of the file it replaces, else a new file's (0o666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


class AtomicFile:
    """A new file for `target`, invisible until `publish()` moves it into place; `discard()` drops it."""

    def __init__(self, target: Path):
        self.target = target
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise MissingFileError(f"{target}: the folder {folder} does not exist; create it first")
        self.name: str | None = None  # the temporary file's path, when it has one
        self.file = self._unnamed(folder) or self._named(folder)

    def _unnamed(self, folder: Path) -> BinaryIO | None:
        fd = _open_unnamed(folder)
        if fd is None:
            return None
        if not _can_link_unnamed(folder):
            os.close(fd)
            return None
        return os.fdopen(fd, "w+b")

    def _named(self, folder: Path) -> BinaryIO:
        fd, name = tempfile.mkstemp(prefix=f".{self.target.name}{TEMP_MARK}", dir=folder)
        self.name = name
        return os.fdopen(fd, "w+b")

    def publish(self) -> None:
        """Give the (flushed, synced, closed or open) file the target's name, replacing any file there."""
        mode = final_mode(self.target)
        if self.name is None:
            os.chmod(f"/proc/self/fd/{self.file.fileno()}", mode)
            # An unnamed file can only be linked under a new name: link it beside the target, then rename.
            staged = self.target.with_name(f".{self.target.name}{TEMP_MARK}{secrets.token_hex(4)}")
            _link_unnamed(self.file.fileno(), staged)
            self.file.close()
            os.replace(staged, self.target)
        else:
            self.file.close()
            os.chmod(self.name, mode)  # mkstemp made it private (0o600)
            os.replace(self.name, self.target)
            self.name = None

    def discard(self) -> None:
        """Drop the file, whatever state it is in (a full disk may make even closing it fail)."""
        try:
            self.file.close()
        except OSError:
            pass
        finally:
            if self.name is not None:
                Path(self.name).unlink(missing_ok=True)
                self.name = None


def _open_unnamed(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag:
        return None
    try:
        return os.open(folder, flag | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:  # a filesystem without O_TMPFILE support (EOPNOTSUPP, EISDIR on old kernels)
        return None


def _link_unnamed(fd: int, name: Path) -> None:
    """Give the unnamed file `fd` the name `name`: through /proc (any user), else with AT_EMPTY_PATH (which
    needs CAP_DAC_READ_SEARCH; some sandboxed kernels refuse the /proc way with EXDEV)."""
    try:
        os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        return
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOENT, errno.EPERM, errno.EACCES, errno.EINVAL):
            raise
        first = exc
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(name), _AT_EMPTY_PATH) != 0:
        raise first


_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000
_LINKABLE: dict[int, bool] = {}  # st_dev -> whether unnamed files there can be linked into place


def unnamed_files_work(folder: Path) -> bool:
    """Whether new files in `folder` are made unnamed (`O_TMPFILE`): then no signal can leave one behind."""
    fd = _open_unnamed(folder)
    if fd is None:
        return False
    os.close(fd)
    return _can_link_unnamed(folder)


def _can_link_unnamed(folder: Path) -> bool:
    """Whether an unnamed file made in `folder` can be given a name there (checked once per filesystem)."""
    device = os.stat(folder).st_dev
    if device not in _LINKABLE:
        probe = folder / f".probe{TEMP_MARK}{secrets.token_hex(4)}"
        fd = _open_unnamed(folder)
        _LINKABLE[device] = False
        if fd is not None:
            try:
                _link_unnamed(fd, probe)
                probe.unlink()
                _LINKABLE[device] = True
            except OSError:
                pass
            finally:
                os.close(fd)
    return _LINKABLE[device]


def temporaries(target: Path) -> list[Path]:
    """The named temporary files that writers of `target` left beside it (killed before they could remove them)."""
    folder = target.parent if str(target.parent) else Path(".")
    return sorted(path for path in folder.glob(f".{glob.escape(target.name)}{TEMP_MARK}*") if path.is_file())
