"""All-or-nothing file writing: temp file beside the target, sync, read back, verify, rename.

Every output is rendered in memory first, written to a temporary file in the target
folder, flushed to disk, read back and checked, and only then renamed over the old
file (``os.replace`` is atomic on one file system). A failure at any step leaves the
previous file byte for byte and removes the temporary file. Several outputs staged
together are renamed together (:func:`staged_outputs`).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

__all__ = ["OutputStage", "atomic_write", "staged_outputs"]


def _new_file_mode(path: Path) -> int:
    """The permissions a replaced file keeps, or what a plain ``open()`` would give a new one."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class OutputStage:
    """Outputs written as verified temp files, then renamed into place together.

    Each :meth:`write` (or :meth:`write_with`) puts a complete, synced and read-back
    temp file beside its target; nothing visible changes until :meth:`commit` renames
    them all (``os.replace``, atomic on one file system, needs no free space). So a
    failure while any output is still being produced (an exception, a full disk, a
    read-only folder) leaves *every* previous output byte for byte. Use it through
    :func:`staged_outputs`.
    """

    def __init__(self):
        self._staged: list[tuple[Path, Path]] = []
        self.paths: list[Path] = []

    def _temp_for(self, path: Path, suffix: str = ".tmp") -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
        os.close(fd)
        return Path(tmp_name)

    def write(self, path: str | os.PathLike[str], data: bytes, verify: Callable[[Path], None] | None = None) -> Path:
        """Stage ``data`` for ``path``: write a temp file, fsync, read back, run ``verify``."""
        path = Path(path)
        tmp = self._temp_for(path)
        self._staged.append((tmp, path))
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if tmp.read_bytes() != data:
            raise OSError(f"{path}: the file was not written completely")
        if verify is not None:
            verify(tmp)
        os.chmod(tmp, _new_file_mode(path))
        return path

    def write_stream(
        self, path: str | os.PathLike[str], chunks: Iterable[bytes], verify: Callable[[Path], None] | None = None
    ) -> Path:
        """Stage a file given as a stream of byte chunks, never held whole in memory.

        Like :meth:`write`: the temp file is synced and read back, here chunk by chunk
        against a SHA-256 of what was written, so a short write on a full disk fails;
        then ``verify`` runs on it.
        """
        path = Path(path)
        tmp = self._temp_for(path)
        self._staged.append((tmp, path))
        digest = hashlib.sha256()
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        back = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                back.update(block)
        if back.digest() != digest.digest():
            raise OSError(f"{path}: the file was not written completely")
        if verify is not None:
            verify(tmp)
        os.chmod(tmp, _new_file_mode(path))
        return path

    def write_with(self, path: str | os.PathLike[str], writer: Callable[[Path], None], suffix: str = ".tmp") -> Path:
        """Stage a file that ``writer(temp_path)`` creates itself (e.g. GDAL); it is synced once written.

        ``writer`` gets a path that does not exist yet, beside ``path``; it writes and
        checks the file there and raises to reject it.
        """
        path = Path(path)
        tmp = self._temp_for(path, suffix=suffix)
        self._staged.append((tmp, path))
        tmp.unlink()  # the writer creates the file itself
        writer(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(path))
        return path

    def commit(self) -> list[Path]:
        """Rename every staged file over its target, in the order staged; return the targets."""
        folders = set()
        while self._staged:
            tmp, path = self._staged[0]
            os.replace(tmp, path)
            self._staged.pop(0)
            self.paths.append(path)
            folders.add(path.parent)
        for folder in folders:  # make the renames themselves durable
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
        return self.paths

    def discard(self) -> None:
        """Remove every staged temp file (and GDAL's side files); the targets are untouched."""
        for tmp, _path in self._staged:
            for leftover in tmp.parent.glob(_glob_escape(tmp.name) + "*"):
                leftover.unlink(missing_ok=True)
        self._staged.clear()


def _glob_escape(name: str) -> str:
    """Escape ``*?[`` in a file name for :meth:`pathlib.Path.glob`."""
    return re.sub(r"([*?\[])", r"[\1]", name)


@contextmanager
def staged_outputs():
    """Stage several outputs and replace them together when the block ends without an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_outputs() as stage:
    ...     _ = stage.write(folder / "a.txt", b"a")
    ...     _ = stage.write(folder / "b.txt", b"b")
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt', 'b.txt']
    """
    stage = OutputStage()
    try:
        yield stage
        stage.commit()
    except BaseException:
        stage.discard()
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes, verify: Callable[[Path], None] | None = None) -> Path:
    """Write ``data`` to ``path`` atomically, checking the written temp file first.

    The temp file is read back and must equal ``data`` (a short write on a full disk
    fails here); ``verify`` may check more. A replaced file keeps its permissions; a new
    one gets the usual ``0666 & ~umask``.

    Parameters
    ----------
    path : path
        The target file. Its folder is created if missing.
    data : bytes
        The complete file content.
    verify : callable, optional
        Called with the temp file's path after it is written, synced and compared; it
        raises to reject the file (the old file then stays as it was).
    """
    with staged_outputs() as stage:
        stage.write(path, data, verify)
    return Path(path)
