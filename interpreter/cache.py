"""The on-disk cache: checked programs, the parsed grammar and holiday tables, kept between runs.

It lives in ``$CLAUSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/clause``, else ``~/.cache/clause``;
``CLAUSE_NO_CACHE=1`` (or ``clause --no-cache``) turns it off. Everything in it is made again
when missing, so deleting the folder is always safe. Entries live in a folder named by this
installation's fingerprint (Clause's version, the size and time of change of each of its source
files, grammar and schemas, the Python and the versions of the libraries it reads with), so an
entry made by another Clause is never read; what an entry was made from besides is its owner's
to check (``pipeline`` keeps the digest of every contract file a program was read from). An
entry that cannot be read is ignored (and made again); entries are written whole or not at all.
"""

from __future__ import annotations

import os
import sys

from . import __version__
from .collector import CollectorOff

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing: a warm run never does
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

try:  # the unpickler in C alone: the pickle module around it costs a warm run more than it reads
    from _pickle import load as _unpickle
except ImportError:  # another Python
    from pickle import load as _unpickle

try:  # CPython's own BLAKE2: it loads in a tenth of the time of hashlib, which loads OpenSSL
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

#: The libraries whose behaviour goes into what is cached (YAML positions, parse trees,
#: schema verdicts, calendar names and holidays, the rational numbers pickled).
_LIBRARIES = ("lark", "pyyaml", "jsonschema", "holidays", "quicktions")
#: A folder of another fingerprint unused this long is removed when a new one is made.
_STALE_SECONDS = 24 * 3600

_disabled = False
_fingerprint: str | None = None


def set_enabled(enabled: bool) -> None:
    """Read and write the cache, or nothing in it (``clause --no-cache``), from now on."""
    global _disabled
    _disabled = not enabled


def root() -> str | None:
    """The cache folder, or None when the cache is turned off."""
    if _disabled or os.environ.get("CLAUSE_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("CLAUSE_CACHE_DIR")
    if chosen:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "clause")


def digest(*parts: str | bytes) -> str:
    """A hex digest of ``parts`` (each kept apart from the next), for entry names and keys."""
    h = blake2b(digest_size=20)
    for part in parts:
        _add(h, part)
    return h.hexdigest()


def _add(h: Any, part: str | bytes) -> None:
    data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
    h.update(b"%d:" % len(data))
    h.update(data)


def fingerprint() -> str:
    """This installation: Clause's version and source files, its grammar and schemas, the Python, the
    libraries."""
    global _fingerprint
    if _fingerprint is None:
        from .resources import resource_path

        h = blake2b(digest_size=20)
        python = (sys.version, sys.implementation.cache_tag or "")  # the version says pickle's protocol
        for part in (__version__, *python, *_library_versions()):
            _add(h, part)
        package = os.path.dirname(os.path.realpath(__file__))
        for folder, subfolders, files in os.walk(package):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(f for f in files if f.endswith(".py")):
                _add_file(h, folder, name, package)
        resources = os.path.dirname(resource_path("clause.lark"))
        for name in sorted(os.listdir(resources)):
            _add_file(h, resources, name, resources)
        _fingerprint = h.hexdigest()
    return _fingerprint


def _add_file(h: Any, folder: str, name: str, top: str) -> None:
    """Add a file's name (below ``top``), size and time of last change: the test Python makes of a
    module's source before it runs its compiled code (its size and time, to the second), here to
    the nanosecond. Reading and hashing every file instead cost a warm run a hundredth of its time."""
    path = os.path.join(folder, name)
    found = os.stat(path)
    _add(h, path[len(top):])
    _add(h, f"{found.st_size}:{found.st_mtime_ns}")


def _library_versions() -> list[str]:
    """``name-version.dist-info`` of each library in ``_LIBRARIES`` as the import system finds it.

    Read from the installed metadata folders' names: ``importlib.metadata`` would cost more
    than everything else a warm run does.
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project = name.split("-", 1)[0].lower().replace("_", "-").replace(".", "-")
                if project in _LIBRARIES:
                    found.setdefault(project, name)
    return [found.get(library, library + " not found") for library in _LIBRARIES]


def folder() -> str | None:
    """This installation's folder in the cache (not created), or None when the cache is off."""
    base = root()
    return None if base is None else os.path.join(base, fingerprint())


def load(kind: str, name: str) -> Any:
    """The entry ``name`` of ``kind``, or None if there is none or it cannot be read."""
    here = folder()
    if here is None:
        return None
    path = os.path.join(here, kind, f"{name}.pickle")
    try:
        with CollectorOff(), open(path, "rb") as f:  # thousands of objects made, no garbage
            return _unpickle(f) if _owned(f.fileno()) else None
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry, whatever unpickling raises: make it again
        return None


def _owned(descriptor: int) -> bool:
    """The file is this user's: a pickle someone else could have put in a shared folder is never read."""
    user = getattr(os, "geteuid", None)
    return user is None or os.fstat(descriptor).st_uid == user()


def store(kind: str, name: str, value: Any) -> None:
    """Write ``value`` as the entry ``name`` of ``kind``, whole (a temporary file, renamed) or not at all.

    A cache that cannot be written (a read-only home, a full disk, a value pickle refuses)
    costs the next run time, never this one its result.
    """
    import pickle  # here, as pathlib: a warm run only loads
    from pathlib import Path

    found = folder()
    if found is None:
        return
    here = Path(found)
    fresh = not here.exists()
    target = here / kind / f"{name}.pickle"
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        # The user's alone, as the files it is made from may be: folders 0700, entries 0600.
        here.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for made in (here, target.parent):
            made.mkdir(exist_ok=True, mode=0o700)
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
        os.utime(here)  # when this installation last wrote: see _remove_stale
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        temporary.unlink(missing_ok=True)
        return
    if fresh:
        _remove_stale(here)


def _remove_stale(keep: Path) -> None:
    """Remove the folders of other installations that have not been written to for a day."""
    import shutil
    import time

    try:
        others = [p for p in keep.parent.iterdir() if p != keep and p.is_dir()]
        for other in others:
            if time.time() - other.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        pass
