"""Reading an import file whole, within bounds: a largest size, no endless wait.

A path may name a regular file or a pipe (``load <(zcat reviews.csv.gz)``). Anything
else — a directory, ``/dev/zero`` — is refused before a byte is read; a pipe is opened
without blocking, so one with no writer ends in an error after ``wait`` seconds, not in
a hang.
"""

from __future__ import annotations

import os
import select
import stat
from pathlib import Path

__all__ = ["MAX_INPUT_BYTES", "PIPE_WAIT", "read_input"]

MAX_INPUT_BYTES = 2**30
PIPE_WAIT = 10.0
_CHUNK = 2**20


def read_input(path: str | Path, *, limit: int = MAX_INPUT_BYTES, wait: float = PIPE_WAIT) -> bytes:
    """The bytes of ``path``; ValueError (or OSError) saying why not."""
    mode = os.stat(path).st_mode
    if stat.S_ISFIFO(mode):
        return _read_pipe(path, limit, wait)
    if not stat.S_ISREG(mode):
        raise ValueError(f"{path}: not a regular file or a pipe")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path}: larger than {limit:,} bytes")
    return data


def _read_pipe(path: str | Path, limit: int, wait: float) -> bytes:
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poller = select.poll()
        poller.register(descriptor, select.POLLIN)
        chunks: list[bytes] = []
        size = 0
        while True:
            if not poller.poll(wait * 1000):
                raise ValueError(f"{path}: nothing to read for {wait:g} s (no writer on the pipe?)")
            try:
                chunk = os.read(descriptor, _CHUNK)
            except BlockingIOError:
                continue
            if not chunk:  # the writer closed its end
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise ValueError(f"{path}: larger than {limit:,} bytes")
            chunks.append(chunk)
    finally:
        os.close(descriptor)
