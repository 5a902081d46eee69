"""Model files on disk: SHA-256 pinning, remembered hashes, verified folders."""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from verify.errors import VerifyError


def file_sha256(path: Path) -> str:
    """The file's SHA-256. Hashing the weights (hundreds of MB) at every start would cost a third
    of a second, so each digest is remembered in verify's cache folder with the file's size, inode
    and change times, and computed again whenever any of them differs. The change time (ctime)
    moves on every write and cannot be set back, so an edited file is always hashed again."""
    path = Path(path).resolve()
    status = path.stat()
    stamp = [status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns]
    known = _known_hashes(cache_dir())
    if (entry := known.get(str(path))) and entry[:4] == stamp:
        return entry[4]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    known[str(path)] = [*stamp, digest.hexdigest()]
    _remember_hashes(known)
    return digest.hexdigest()


HASHES_FILE = "file-hashes.json"


@cache
def _known_hashes(folder: Path) -> dict[str, list]:
    try:
        known = json.loads((folder / HASHES_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _remember_hashes(known: dict[str, list]) -> None:
    """Write the remembered digests (atomically); a cache folder that cannot be written only costs time."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{HASHES_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(known))
        os.replace(temporary, folder / HASHES_FILE)
    except OSError:
        pass


def combined_sha256(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def verified_files(root: Path, pins: dict[str, str], what: str, remedy: str) -> dict[str, str]:
    """The SHA-256 of each pinned file under ``root``; a clear error when one is missing or differs."""
    files = {}
    for name, pinned in pins.items():
        path = root / name
        if not path.is_file():
            raise VerifyError(f"{what} is incomplete: {name} is missing from {root}")
        files[name] = file_sha256(path)
        if files[name] != pinned:
            raise VerifyError(f"{what}: {name} does not match its pinned SHA-256: {remedy}")
    return files


def cache_dir() -> Path:
    if folder := os.environ.get("VERIFY_CACHE"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "verify"
