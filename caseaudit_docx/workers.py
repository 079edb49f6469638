"""Batches spread over every CPU core, results in the order the work was given.

Reading a form or rendering one costs milliseconds of XML work in one core; a batch of
hundreds is done in worker processes, fed small chunks (so that the hop between processes costs
little per item), while the calling process takes the results in order, as they come: output
order is the order given, memory holds only a few chunks ahead, and a bad item is the chunk
function's to report (it returns an error for that item, and the batch goes on).

The workers are those :mod:`caseaudit_docx.register.ingest` uses, made the same way: each
ignores Ctrl-C (the caller stops them cleanly), ends when its parent dies however it dies
(:func:`~caseaudit_docx.cleanup.die_with_parent`), and loads what every item needs once, on
starting (``initializer``), not once per item. SIGTERM and SIGHUP unwind the caller as Ctrl-C
does (:func:`~caseaudit_docx.cleanup.signals_unwind`), stopping the pool at once.
"""

from __future__ import annotations

import gc
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from caseaudit_docx.cleanup import die_with_parent, signals_unwind
from caseaudit_docx.errors import CaseAuditError

__all__ = ["chunks", "default_jobs", "in_order"]

Item = TypeVar("Item")
Result = TypeVar("Result")

#: How many chunks per worker are kept in flight: enough that no worker waits for the
#: caller, few enough that memory stays bounded whatever the batch's size.
AHEAD = 3


def default_jobs() -> int:
    """The number of worker processes a batch uses unless told: the CPU cores this process
    may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """``items`` in lists of ``size`` (the last may be shorter), taken as they come."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
           ) -> None:
    """A worker's start: Ctrl-C is the caller's; die with the caller; load what it needs.
    What it inherited from the caller is frozen for the collector (:func:`gc.freeze`): the
    collector then never writes to those pages, which a forked worker would otherwise copy
    (a third fewer page faults, measured)."""
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def in_order(
    work: Callable[[list[Item]], Sequence[Result]],
    items: Iterable[Item],
    *,
    jobs: int | None = None,
    chunk_size: int = 8,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    here: Callable[[list[Item]], Sequence[Result]] | None = None,
) -> Iterator[Result]:
    """``work`` applied to ``items`` a chunk at a time, each result yielded in the items' order.

    ``work`` (a module-level function, so that it can be sent to a worker) takes a chunk and
    returns one result per item; it should turn an item's failure into a result, since an
    exception it raises stops the batch. With ``jobs`` 1 (or a batch of one chunk) everything
    runs in this process, by ``here`` when given (``work`` with what a worker would load
    already bound: nothing global is set), else by ``work`` after ``initializer(*initargs)``;
    else in ``jobs`` workers (default :func:`default_jobs`), each started by
    ``initializer(*initargs)``. Where workers are forked (Linux), ``initargs`` reach them as
    they are, with nothing pickled: pass what the caller has already prepared (a template, the
    forms with what has been worked out of them), not a description to prepare again. A worker
    that dies (killed, out of memory) stops the batch with a
    :class:`~caseaudit_docx.errors.CaseAuditError`.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    size = max(1, chunk_size)
    pending = chunks(items, size)
    first = next(pending, None)
    if first is None:
        return
    second = next(pending, None) if jobs > 1 else None
    if second is None:  # one process: nothing to gain from a pool
        if here is None and initializer is not None:
            initializer(*initargs)
        local = here or work
        for chunk in _again(first, second, pending):
            yield from _checked(chunk, local(chunk))
        return
    yield from _pool(work, _again(first, second, pending), jobs, initializer, initargs)


def _again(first: list[Item], second: list[Item] | None, rest: Iterator[list[Item]]
           ) -> Iterator[list[Item]]:
    yield first
    if second is not None:
        yield second
    yield from rest


def _checked(chunk: Sequence[Any], results: Sequence[Result]) -> Sequence[Result]:
    if len(results) != len(chunk):
        raise RuntimeError(f"a worker returned {len(results)} results for {len(chunk)} items")
    return results


def _pool(work: Callable[[list[Item]], Sequence[Result]], chunks: Iterator[list[Item]],
          jobs: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
          ) -> Iterator[Result]:
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))
    pending: deque[tuple[list[Item], Future[Sequence[Result]]]] = deque()
    with signals_unwind():
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(work, chunk)))
                while len(pending) > jobs * AHEAD:
                    done, future = pending.popleft()
                    yield from _checked(done, future.result())
            while pending:
                done, future = pending.popleft()
                yield from _checked(done, future.result())
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            raise CaseAuditError("a worker process was stopped (killed, or out of memory); "
                                 "run the command again") from None
        except BaseException:  # Ctrl-C, SIGTERM, or the caller stopped reading (GeneratorExit)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
