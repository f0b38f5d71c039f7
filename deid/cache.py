"""Tables the engine derives from its inputs, kept between processes in ``var/deid/``.

Building jieba's word tables, the dictionary lexicon of the name models and the
normalisation table takes a cold process seconds; reading them back takes a fraction of
that.  Each file's name carries a SHA-256 key of everything it was derived from (the
dictionary file, the library version, the source files of the code that builds it), so a
changed input or a changed builder never reads a stale file: it builds and writes a new
one.  Nothing here is downloaded.

The directory is ``$WANBIAO_DEID_CACHE``, else ``$WANBIAO_VAR_DIR/deid``, else ``var/deid``
beside the package.  When it cannot be written (a read-only installation) the tables are
built in memory, as before: the cache only saves time.  Files are written to a temporary
name and renamed, so concurrent workers never read a partial file.  The formats are
``marshal`` (plain dicts and numbers) and ``numpy`` arrays without pickles: loading either
runs no code.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import io
import marshal
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

PACKAGE_DIR = Path(__file__).resolve().parent
T = TypeVar("T")
Arrays = dict[str, npt.NDArray[Any]]


def cache_dir() -> Path:
    """Where derived tables are kept (see the module docstring)."""
    explicit = os.environ.get("WANBIAO_DEID_CACHE")
    if explicit:
        return Path(explicit)
    var = os.environ.get("WANBIAO_VAR_DIR")
    return Path(var) / "deid" if var else PACKAGE_DIR.parent / "var" / "deid"


def input_key(*parts: bytes | str | Path) -> str:
    """SHA-256 (hex, 24 digits) of ``parts``: bytes and strings as they are, a path by its
    contents."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.read_bytes() if isinstance(part, Path) else part
        digest.update(data.encode("utf-8") if isinstance(data, str) else data)
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def source_files(*modules: str) -> list[Path]:
    """The source files of ``deid`` modules given by dotted name (``deid.name_tagger``)."""
    return [PACKAGE_DIR.parent.joinpath(*name.split(".")).with_suffix(".py") for name in modules]


def load_or_build(
    name: str,
    key: str,
    build: Callable[[], T],
    dump: Callable[[T], bytes],
    load: Callable[[bytes], T],
    directory: Path | None = None,
) -> T:
    """``load`` of the file ``<name>-<key>`` in the cache directory, or else ``build()``,
    written there with ``dump`` when the directory can be written."""
    folder = directory if directory is not None else cache_dir()
    path = folder / f"{name}-{key}"
    try:
        data = path.read_bytes()
    except OSError:
        pass
    else:
        try:
            return load(data)
        except (ValueError, EOFError, TypeError, KeyError, OSError, zipfile.BadZipFile):
            pass  # damaged: built and written again below
    value = build()
    _write(path, dump(value))
    _trim_heap()  # building left freed temporaries between the live objects
    return value


def _trim_heap() -> None:
    """Hand the heap's free pages back to the system (glibc keeps them otherwise)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        return  # read-only or full: the caller has its value anyway


def cached_marshal(name: str, key: str, build: Callable[[], T], directory: Path | None = None) -> T:
    """``load_or_build`` for values of plain types (dicts, strings, numbers), as ``marshal``."""

    def dump(value: T) -> bytes:
        return marshal.dumps(cast(Any, value))

    def load(data: bytes) -> T:
        return cast(T, marshal.loads(data))

    return load_or_build(name, key, build, dump, load, directory)


def dump_arrays(arrays: Arrays) -> bytes:
    """``arrays`` as an uncompressed ``.npz`` file's bytes."""
    stream = io.BytesIO()
    np.savez(stream, allow_pickle=False, **arrays)
    return stream.getvalue()


def load_arrays(data: bytes) -> Arrays:
    """The arrays ``dump_arrays`` wrote (no pickles)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def cached_arrays(
    name: str, key: str, build: Callable[[], Arrays], directory: Path | None = None
) -> Arrays:
    """``load_or_build`` for a dict of numpy arrays."""
    return load_or_build(name, key, build, dump_arrays, load_arrays, directory)
