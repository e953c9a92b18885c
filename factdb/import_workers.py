"""Check claims in worker processes while the importer writes.

A large import spends most of its time in Python checking claims (decoding, field checks,
references, figure parsing, the content hash) and the rest writing them. Both run at once here:
``workers`` processes each read every claims file and check every ``workers``-th chunk of claims
(factdb.checks.check_claim); the importer takes the checked chunks back in file order and does
everything that needs the database (duplicates, stored versions, revisions, quotes, writing)
exactly as it does for a small import. Problems arrive in the order the importer would have found
them itself, and it applies ``MAX_PROBLEMS`` to the merged stream, so the result, and every message,
is the same. A line the database holds already (checks.recognised) goes back as a KnownClaim, unchecked.

Workers are plain Python processes (WORKER_COMMAND), so nothing here depends on how the importer
itself was started. They exchange pickles with the importer over two pipes of their own, not over
standard input and output: anything else in a worker may print (a library's warning, a debugger, a
profiler), and that goes to the importer's standard error instead of into the stream of messages.
Each message is framed by its length, so one cut short (a worker killed while sending it) reads as
the worker having stopped, never as a message that fails to decode.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import traceback
from array import array
from bisect import bisect_left
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from factdb.checks import KnownClaim, Lookups, PreparedClaim, Problem, QuoteCheck, StoredDigests, check_claims, recognised
from factdb.heap import LongLivedObjects
from factdb.quotes import TEXT_CACHE_CHARS, NormalizedText, NormalizedTexts, find_quote, normalize
from factdb.readers import ReadError, Record, file_format, read_records

# A worker imports only what checking claims needs (each module is memory in every worker):
# sqlite3 only when the database held documents or claims before the import (see _QuoteLocator),
# and nothing of the importer's side (subprocess, tempfile).
if TYPE_CHECKING:
    import sqlite3
    import subprocess


_BREAKS = struct.Struct("<Q")


class TextSpool:
    """The texts of the documents an import writes, in a temporary file that worker processes read
    (they cannot see the import's transaction). Where each text is, is kept in arrays rather than a
    dict of tuples, in the importer and in each worker (see SpoolIndex).

    Each text is spooled normalised for quote matching (quotes.normalize), with its offsets: the
    importer normalises each document once, where workers would normalise it again for every claim
    whose document they no longer keep, which claims out of document order make nearly every claim
    (reading a spooled text is a fraction of normalising it). Layout of one text: the number of
    breaks (8 bytes), the breaks and shifts (8 bytes each), then the normalised text in UTF-8.
    """

    def __init__(self) -> None:
        import tempfile

        self.folder = tempfile.TemporaryDirectory(prefix="factdb-import-")
        self.path = str(Path(self.folder.name) / "texts")
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self._pks = array("q")
        self._starts = array("q")

    def add(self, pk: int, text: str) -> None:
        normalized = normalize(text)
        self._pks.append(pk)
        self._starts.append(self._file.tell())
        self._file.write(_BREAKS.pack(len(normalized.breaks)))
        self._file.write(normalized.breaks.tobytes())
        self._file.write(normalized.shifts.tobytes())
        self._file.write(normalized.text.encode("utf-8", "surrogatepass"))

    def flush(self) -> None:
        self._file.flush()

    def index(self) -> SpoolIndex:
        """Where each text is, by pk (flush() first)."""
        ends = self._starts[1:] + array("q", [self._file.tell()])
        order = sorted(range(len(self._pks)), key=self._pks.__getitem__)  # updated documents keep their older pks
        return SpoolIndex(array("q", (self._pks[i] for i in order)), array("q", (self._starts[i] for i in order)),
                          array("q", (ends[i] for i in order)))

    def close(self) -> None:
        self._file.close()
        self.folder.cleanup()


class SpoolIndex(NamedTuple):
    """A TextSpool's texts by document pk: sorted pks, and the byte range of each one's text."""

    pks: array[int]
    starts: array[int]
    ends: array[int]

    def find(self, pk: int) -> tuple[int, int] | None:
        """(offset, length) in bytes of the text of document ``pk``; None when it is not spooled."""
        i = bisect_left(self.pks, pk)
        if i == len(self.pks) or self.pks[i] != pk:
            return None
        return self.starts[i], self.ends[i] - self.starts[i]

    def read(self, spool: IO[bytes], pk: int) -> NormalizedText | None:
        """The normalised text of document ``pk`` from ``spool`` (the TextSpool's file), or None when it is not spooled."""
        found = self.find(pk)
        if found is None:
            return None
        spool.seek(found[0])
        data = spool.read(found[1])
        (count,) = _BREAKS.unpack_from(data)
        text_at = _BREAKS.size + 8 * (2 * count + 1)
        breaks, shifts = array("q"), array("q")
        breaks.frombytes(data[_BREAKS.size : _BREAKS.size + 8 * count])
        shifts.frombytes(data[_BREAKS.size + 8 * count : text_at])
        return NormalizedText(data[text_at:].decode("utf-8", "surrogatepass"), breaks, shifts)


@dataclass
class _Job:
    files: list[str]
    worker: int
    workers: int
    chunk: int
    report_progress: bool
    lookups: Lookups
    # read (committed rows only) for stored claims and documents' texts; None when it held neither
    # documents nor claims before the import
    database: str | None
    spool: str | None  # TextSpool: the texts of documents this import writes
    spool_index: SpoolIndex | None
    known_lines: bool  # look lines up in the database (checks.recognised)


@dataclass
class CheckedChunk:
    """A chunk of claims checked by a worker: the prepared ones, and the problems of the others in
    order (a QuoteCheck where only the importer can say whether a refused claim's quote is in its
    document: it may be one this import writes)."""

    path: str
    prepared: list[PreparedClaim | KnownClaim]
    # By position in prepared, the quote's offsets when the worker located it; () when it did not
    # find it; None: not tried. None for the whole chunk when no worker locates quotes.
    locations: list[tuple[int, ...] | None] | None
    problems: list[Problem | QuoteCheck]
    read_error: Problem | None  # when the file could not be read past this chunk
    bytes_read: int


@dataclass
class FileEnd:
    path: str
    claims: int  # claim records in the file (up to a read error)
    bytes_read: int


@dataclass
class _Crash:
    traceback: str


# -- the worker process ---------------------------------------------------------------------------


def _stored_digests(database: sqlite3.Connection) -> StoredDigests:
    """stored(ids) -> {id: (pk, record_digest)} of the stored claims among ``ids``, for checks.recognised."""
    def stored(ids: Sequence[str]) -> dict[str, tuple[int, str | None]]:
        marks = ", ".join("?" for _ in ids)
        rows = database.execute(f"SELECT id, pk, record_digest FROM claims WHERE id IN ({marks})", list(ids)).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}
    return stored


_LENGTH = struct.Struct("<Q")
# What a worker's message pipe may buffer (see _widen): Linux's limit for an unprivileged process.
PIPE_BYTES = 1 << 20


def send_message(out: IO[bytes], message: object) -> None:
    """Write one message to a worker's channel: its length, then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def _receive_message(channel: IO[bytes]) -> object:
    """The next message on a worker's channel; EOFError when the worker closed it (or stopped)
    before a whole message was written; pickle's errors when the message itself is not readable."""
    header = channel.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError
    (length,) = _LENGTH.unpack(header)
    data = channel.read(length)
    if len(data) < length:
        raise EOFError
    return pickle.loads(data)


def _work(job: _Job, out: IO[bytes]) -> None:
    locate = _QuoteLocator(job) if job.spool is not None else None
    # Lines the database holds already (checks.recognised), as last committed: a claim this
    # import wrote is not there yet, and the importer finds it by itself.
    stored = (_stored_digests(locate.database) if locate is not None and locate.database is not None and job.known_lines
              else None)
    read = [0]

    def sent_bytes() -> int:
        count, read[0] = read[0], 0
        return count

    def on_read(count: int) -> None:
        read[0] += count

    def chunk(name: str, records: list[Record | KnownClaim], error: Problem | None = None) -> CheckedChunk:
        prepared, problems = check_claims(records, job.lookups)
        return CheckedChunk(name, prepared, locate(prepared) if locate is not None else None, problems, error, sent_bytes())

    def messages() -> Iterator[CheckedChunk | FileEnd]:
        for name in job.files:
            claims = yield from _file_chunks(job, name, on_read if job.report_progress else None, stored, chunk)
            yield FileEnd(name, claims, sent_bytes())

    for message in messages():
        send_message(out, message)


def _file_chunks(job: _Job, name: str, on_read: Callable[[int], None] | None,
                 stored: StoredDigests | None, chunk: Callable[..., CheckedChunk]) -> Generator[CheckedChunk, None, int]:
    """This worker's chunks of the claims of file ``name`` (every ``job.workers``-th, from ``job.worker``
    on); returns how many claims the file holds (up to a read error)."""

    def mine(ordinal: int) -> bool:
        return (ordinal // job.chunk) % job.workers == job.worker

    claims, current = 0, 0
    records: list[Record | KnownClaim] = []
    error = None
    read = read_records(Path(name), on_read, ("claim",), decode=mine if job.workers > 1 else None, raw_claims=stored is not None)
    claims_read: Iterator[Record | KnownClaim] = recognised(read, job.lookups, stored) if stored is not None else read
    try:
        for record in claims_read:
            if record.kind != "claim":
                continue
            index = claims // job.chunk
            claims += 1
            if index != current:
                if records:
                    yield chunk(name, records)
                current, records = index, []
            if index % job.workers == job.worker:
                records.append(record)
    except ReadError as failure:
        error = Problem(failure.path, failure.line, "", failure.message, failure.hint)
        if claims // job.chunk != current:  # the error begins a chunk of its own
            if records:
                yield chunk(name, records)
            current, records = claims // job.chunk, []
    if records or (error is not None and current % job.workers == job.worker):
        yield chunk(name, records, error if current % job.workers == job.worker else None)
    return claims


class _QuoteLocator:
    """Locate the quotes of a worker's claims, as the importer would, so that it need not.

    Texts come from the importer's spool (documents this import writes) or from the database as
    last committed (documents it does not touch, which therefore read the same). Claims stored
    with the same content are left alone: the importer does not locate unchanged claims. Whatever
    is not located here, the importer locates itself.
    """

    def __init__(self, job: _Job) -> None:
        assert job.spool is not None
        self.database: sqlite3.Connection | None = None
        if job.database is not None:
            import sqlite3

            self.database = sqlite3.connect(f"{Path(job.database).resolve().as_uri()}?mode=ro", uri=True)
        self.spool = open(job.spool, "rb")  # noqa: SIM115 - the worker's lifetime
        self.index = job.spool_index
        # Spooled texts are read normalised, at little cost: the texts kept need not grow to spare
        # claims out of document order from normalising again, unless some texts come from the database.
        self.texts = NormalizedTexts(self.read_text, load=self.normalized,
                                     max_chars=TEXT_CACHE_CHARS if self.database is None else None)

    def normalized(self, pk: int) -> NormalizedText:
        spooled = self.index.read(self.spool, pk) if self.index is not None else None
        return spooled if spooled is not None else normalize(self.read_text(pk))

    def read_text(self, pk: int) -> str:
        """The text of a document this import does not write, as last committed."""
        assert self.database is not None, f"document {pk} is neither spooled nor stored"
        text: str = self.database.execute("SELECT text FROM documents WHERE pk = ?", (pk,)).fetchone()[0]
        return text

    def __call__(self, prepared: list[PreparedClaim | KnownClaim]) -> list[tuple[int, ...] | None]:
        """Where each claim's quote is (see CheckedChunk.locations)."""
        ids = [claim.id for claim in prepared if type(claim) is not KnownClaim]
        if not ids:
            return [None] * len(prepared)
        stored = dict(self.database.execute(
            f"SELECT id, content_sha256 FROM claims WHERE id IN ({', '.join('?' for _ in ids)})", ids).fetchall()
        ) if self.database is not None else {}
        return [find_quote(self.texts.normalized(claim.document_pk), claim.quote) or ()
                if type(claim) is PreparedClaim and stored.get(claim.id) != claim.content_sha256 else None
                for claim in prepared]


def main() -> None:
    """A worker's life: its job from the file descriptor named by its first argument, its messages
    to the one named by its second (see _Pool.grow)."""
    # The importer handles Ctrl-C and stops its workers; a worker's own KeyboardInterrupt traceback
    # (from a SIGINT sent to it directly) would only bury that.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with open(int(sys.argv[1]), "rb") as jobs:
        try:
            job: _Job = pickle.load(jobs)
        except (EOFError, pickle.UnpicklingError):
            # The importer stopped (Ctrl-C, SIGTERM) before this worker's job was whole: nothing to do,
            # and a traceback would only bury the importer's own message.
            raise SystemExit(1) from None
    out = open(int(sys.argv[2]), "wb")  # noqa: SIM115 - the worker's lifetime
    LongLivedObjects().freeze(bulk=True)  # the job's lookups, for the worker's life (factdb.heap)
    try:
        _work(job, out)
    except BrokenPipeError:
        os._exit(1)  # the importer is gone (killed or stopped) and nobody reads this worker's messages
    except BaseException:  # noqa: B036 - reported to the importer, which raises it
        try:
            send_message(out, _Crash(traceback.format_exc()))
        except BrokenPipeError:
            os._exit(1)
        raise SystemExit(1) from None


# -- the importer's side --------------------------------------------------------------------------


# Imported, not run as __main__: what the workers send must unpickle as this module's classes.
WORKER_COMMAND = [sys.executable, "-c", "from factdb.import_workers import main; main()"]


def _worker_environment() -> dict[str, str]:
    """This process's environment, able to import this copy of factdb even when it is not installed."""
    package_parent = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package_parent + (os.pathsep + path if path else "")}


class WorkerFailed(RuntimeError):
    """A validation worker stopped unexpectedly (a bug, or it was killed)."""


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    jobs: IO[bytes]  # the importer writes the job here, then closes it
    messages: IO[bytes]  # what the worker sends (send_message)


def _widen(pipe: int) -> None:
    """Let a worker's message pipe hold a whole chunk of checked claims (about 0.9 MB pickled), as far
    as the system allows: with Linux's default 64 KB, a worker that has checked a chunk waits in write()
    until the importer has taken the other worker's chunk before it, and checks nothing meanwhile."""
    import fcntl

    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as limit:
            size = min(int(limit.read()), PIPE_BYTES)
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, size)
    except (OSError, ValueError):
        pass  # the default size: the same messages, with more waiting


class _Pool:
    """Worker processes, started before their jobs are known: starting Python and importing factdb
    takes a second, which the importer's first pass over the files hides."""

    def __init__(self, count: int) -> None:
        self.workers: list[_Worker] = []
        self.grow(count)

    def grow(self, count: int) -> None:
        import subprocess

        while len(self.workers) < count:
            job_read, job_write = os.pipe()
            message_read, message_write = os.pipe()
            _widen(message_write)
            try:
                # A process group of their own: Ctrl-C on the terminal reaches the importer, which stops
                # them, and not a worker still starting Python (it would print a fatal error from site.py).
                # What a worker prints goes to the importer's standard error: its standard output may be
                # a report someone reads.
                process = subprocess.Popen([*WORKER_COMMAND, str(job_read), str(message_write)], stdin=subprocess.DEVNULL,
                                           stdout=2, pass_fds=(job_read, message_write), env=_worker_environment(),
                                           process_group=0)
            except BaseException:
                for fd in (job_read, job_write, message_read, message_write):
                    os.close(fd)
                raise
            os.close(job_read)
            os.close(message_write)
            self.workers.append(_Worker(process, open(job_write, "wb"), open(message_read, "rb")))  # noqa: SIM115 - closed by close()

    def send(self, jobs: list[_Job]) -> None:
        """One job to each of the first len(jobs) workers; the others are stopped."""
        self.grow(len(jobs))
        for worker in self.workers[len(jobs):]:
            self._stop(worker)
        del self.workers[len(jobs):]
        for worker, job in zip(self.workers, jobs, strict=True):
            try:
                pickle.dump(job, worker.jobs, protocol=pickle.HIGHEST_PROTOCOL)
                worker.jobs.close()
            except BrokenPipeError:
                pass  # it stopped at once: receive() says so

    def receive(self, index: int) -> CheckedChunk | FileEnd:
        worker = self.workers[index]
        try:
            message = _receive_message(worker.messages)
        except EOFError:
            raise WorkerFailed(f"validation worker {index} stopped (exit code {worker.process.wait()})") from None
        except Exception as error:  # noqa: BLE001 - whatever unpickling bytes that are not a message raises
            raise WorkerFailed(f"validation worker {index} sent a message that is not one of its messages "
                               f"({type(error).__name__}: {error})") from None
        if isinstance(message, _Crash):
            raise WorkerFailed(f"validation worker {index} failed:\n{message.traceback}")
        if not isinstance(message, (CheckedChunk, FileEnd)):
            raise WorkerFailed(f"validation worker {index} sent a message that is not one of its messages "
                               f"({type(message).__name__})")
        return message

    @staticmethod
    def _stop(worker: _Worker) -> None:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait()
        for channel in (worker.jobs, worker.messages):
            try:
                channel.close()
            except BrokenPipeError:
                pass  # a job the worker never read

    def close(self) -> None:
        for worker in self.workers:
            self._stop(worker)


def streamable(paths: Sequence[Path]) -> bool:
    """Whether workers can read these files' claims: JSON Lines and CSV are read as streams."""
    return all(file_format(p) in ("jsonl", "csv") for p in paths)


def start(count: int) -> _Pool:
    """Start ``count`` workers now, for checked_chunks() to use later (or close())."""
    return _Pool(count)


def checked_chunks(pool: _Pool | None, names: Sequence[str], lookups: Lookups, workers: int, chunk: int,
                   progress: Callable[[int], None] | None, database: str | None, spool: TextSpool | None,
                   known_lines: bool) -> Iterator[CheckedChunk | FileEnd]:
    """The claims of the files ``names``, checked by ``workers`` processes, one chunk at a time in file
    order, each file followed by its FileEnd (as the worker whose turn it was saw it).

    ``spool`` (flushed) and ``database``: where workers read documents' texts to locate quotes
    (no spool: workers do not locate quotes; no database: every text is in the spool and no claim
    is stored); ``known_lines``: whether to look claim lines up in the database.
    ``pool``: workers started earlier (see start()); closed here in any case.
    """
    spooled = spool.index() if spool is not None else None
    jobs = [_Job(list(names), w, workers, chunk, progress is not None and w == 0, lookups, database,
                 spool.path if spool else None, spooled, known_lines)
            for w in range(workers)]
    pool = pool or _Pool(0)
    try:
        pool.send(jobs)
        for _ in names:
            ended: set[int] = set()
            index = 0
            while True:
                worker = index % workers
                message = pool.receive(worker)
                if progress and message.bytes_read:
                    progress(message.bytes_read)
                if isinstance(message, FileEnd):
                    ended.add(worker)
                    yield message
                    break
                read_error = message.read_error
                yield message
                del message  # not kept while the next one is received (see importer._claims_from_workers)
                index += 1
                if read_error is not None:
                    break
            for worker in range(workers):  # the file's end (or what others read past its read error)
                while worker not in ended:
                    message = pool.receive(worker)
                    if progress and message.bytes_read:
                        progress(message.bytes_read)
                    if isinstance(message, FileEnd):
                        ended.add(worker)
    finally:
        pool.close()
