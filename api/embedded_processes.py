"""The embedded server's process from outside: which secantusd-py holds a data directory's
files (from /proc), stopping one left over from a crashed run, and a child that dies with
its parent on Linux."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

PROGRAM = "secantusd-py"
_PROC = Path("/proc")
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _gone(pid: int) -> bool:
    """Exited, or a zombie waiting for its parent: either way it holds no file."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def storage_of(pid: int) -> Path | None:
    """The storage path of process `pid` when it is a secantusd-py (relative paths
    resolved against its working directory), else None, also when /proc cannot tell."""
    argv = _cmdline(pid)
    if not argv or _gone(pid):
        return None
    # A script run through its interpreter: `python3 …/secantusd-py --port …`.
    if PROGRAM not in {Path(arg).name for arg in argv[:2]}:
        return None
    storage = None
    for index, arg in enumerate(argv):
        if arg == "--storage-path" and index + 1 < len(argv):
            storage = argv[index + 1]
        elif arg.startswith("--storage-path="):
            storage = arg.partition("=")[2]
    if storage is None:
        return None
    path = Path(storage)
    if not path.is_absolute():
        try:
            path = Path(os.readlink(_PROC / str(pid) / "cwd")) / path
        except OSError:
            return None
    return path.resolve()


def holders(storage: Path) -> list[int]:
    """The running secantusd-py processes whose storage is `storage` (Linux; elsewhere
    none are found)."""
    wanted = storage.resolve()
    try:
        pids = [int(entry.name) for entry in _PROC.iterdir() if entry.name.isdigit()]
    except OSError:
        return []
    return sorted(pid for pid in pids if pid != os.getpid() and storage_of(pid) == wanted)


def describe(pid: int) -> str:
    """`process 1234 (secantusd-py, user motcua)`: enough to find and stop it."""
    try:
        uid = (_PROC / str(pid)).stat().st_uid
        user = pwd.getpwuid(uid).pw_name
    except (OSError, KeyError):
        return f"process {pid} ({PROGRAM})"
    return f"process {pid} ({PROGRAM}, user {user})"


class FilesHeldError(RuntimeError):
    """A process that motcua may not (or did not) stop holds the storage's files."""


def stop_leftover(pid_file: Path, storage: Path, timeout: float) -> None:
    """Stops the child a crashed run left behind (named by `pid_file`, checked to be
    secantusd-py on `storage`) and removes the file; names any other secantusd-py that
    holds the files, which motcua did not start and leaves alone."""
    pid = read_pid(pid_file)
    if pid is not None and storage_of(pid) == storage.resolve():
        try:
            stopped = terminate(pid, timeout)
        except PermissionError:
            raise FilesHeldError(
                f"{held_by(storage, [pid])}, left over from an earlier run, which motcua may "
                f"not stop: stop it as its user or as root (kill {pid}), then start again"
            ) from None
        if not stopped:
            raise FilesHeldError(f"{held_by(storage, [pid])}, which did not stop")
    pid_file.unlink(missing_ok=True)
    others = holders(storage)
    if others:
        pids = " ".join(map(str, others))
        raise FilesHeldError(
            f"{held_by(storage, others)}, which motcua did not start: "
            f"stop it (kill {pids}), then start again"
        )


def held_by(storage: Path, pids: list[int]) -> str:
    who = ", ".join(describe(pid) for pid in pids)
    return f"the embedded database's files in {storage} are held by {who}"


def busy_reason(storage: Path) -> str:
    """Why WiredTiger found its files busy, naming the holders when /proc can."""
    holding = holders(storage)
    if holding:
        pids = " ".join(map(str, holding))
        return f"{held_by(storage, holding)}: stop it (kill {pids}), then start again"
    lock = storage / "WiredTiger.lock"
    return (
        f"the embedded database's files in {storage} are held by another process "
        f"(WiredTiger: Device or resource busy); find it with `fuser -v {lock}`, "
        "stop it, then start again"
    )


def terminate(pid: int, timeout: float) -> bool:
    """SIGTERM, then SIGKILL after `timeout` seconds; True once it is gone. Raises
    PermissionError when the process belongs to someone else."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if _gone(pid):
                return True
            time.sleep(0.05)
    return _gone(pid)


def read_pid(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().strip())
    return None


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child receive SIGKILL when this process dies (Linux's
    PR_SET_PDEATHSIG), or None where that is not available.

    SIGKILL, not SIGTERM: SecantusDB's orderly stop sometimes outlived an orphaning parent
    by more than 20 s (1 run in 5), and every acknowledged commit is already on disk
    (docs/durability.md), so nothing is lost by not waiting for it.

    Only from the main thread: the kernel sends the signal when the *thread* that forked
    the child ends, and a worker thread may end long before the process does.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    parent = os.getpid()

    def set_parent_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGKILL)

    return set_parent_death_signal
