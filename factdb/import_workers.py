"""Check claims in worker processes while the importer writes.

A large import spends most of its time in Python checking claims (decoding, field checks,
references, figure parsing, the content hash) and the rest writing them. Both run at once here:
``workers`` processes each read every claims file and check every ``workers``-th chunk of claims;
the importer takes the checked chunks back in file order and does everything that needs the
database (duplicates, stored versions, revisions, quotes, writing) exactly as it does for a small
import. Problems arrive in the order the importer would have found them itself, and it applies
``MAX_PROBLEMS`` to the merged stream, so the result, and every message, is the same. A line the
database holds already (import_checks._known_claim) goes back as a _KnownClaim, unchecked.

Workers are plain Python processes (WORKER_COMMAND) that exchange pickles over their standard
input and output, so nothing here depends on how the importer itself was started.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from factdb import import_checks
from factdb.readers import ReadError, Record, file_format, read_records


@dataclass
class _Job:
    files: list[str]
    worker: int
    workers: int
    chunk: int
    report_progress: bool
    source_keys: dict[str, str]
    aliases: dict[str, str]
    events: set[str]
    metrics: set[str]
    documents: dict[str, tuple[int, str | None]]
    database: str | None  # read (committed rows only) for stored claims and documents' texts
    spool: str | None  # import_checks.TextSpool: the texts of documents this import writes
    spool_index: import_checks.SpoolIndex | None
    known_lines: bool  # look lines up in the database (import_checks._known_claim)


@dataclass
class _Chunk:
    prepared: list[Any]  # import_checks._ClaimRow
    problems: list[Any]  # import_checks.Problem and import_checks._QuoteCheck, in order
    read_error: Any  # import_checks.Problem when the file could not be read past this chunk
    bytes_read: int


@dataclass
class _End:
    claims: int  # claim records in the file (up to a read error)
    bytes_read: int


@dataclass
class _Crash:
    traceback: str


# -- the worker process ---------------------------------------------------------------------------


def _work(job: _Job, out: IO[bytes]) -> None:
    s = import_checks._Session(None, 0, False, in_worker=True)  # type: ignore[arg-type]
    s.source_keys, s.aliases, s.events, s.metrics, s.documents = job.source_keys, job.aliases, job.events, job.metrics, job.documents
    locate = _QuoteLocator(job, s) if job.database is not None and job.spool is not None else None
    # Lines the database holds already (import_checks._known_claim), as last committed: a claim this
    # import wrote is not there yet, and the importer finds it by itself.
    stored = import_checks.stored_digests(locate.database) if locate is not None and job.known_lines else None
    read = [0]

    def send(message: Any) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    def sent_bytes() -> int:
        count, read[0] = read[0], 0
        return count

    def on_read(count: int) -> None:
        read[0] += count

    def chunk(records: list[Record], error: Any = None) -> _Chunk:
        prepared = [c for c in (import_checks._prepare_claim(s, r) for r in records) if c is not None]
        if locate is not None:
            prepared = locate(prepared)
        problems, s.problems = s.problems, []
        return _Chunk(prepared, problems, error, sent_bytes())

    def mine(ordinal: int) -> bool:
        return (ordinal // job.chunk) % job.workers == job.worker

    for name in job.files:
        path = Path(name)
        claims, current, records = 0, 0, []
        error = None
        try:
            known = import_checks._known_claims(s, name, stored) if stored is not None else None
            for record in read_records(path, on_read if job.report_progress else None, ("claim",),
                                       decode=mine if job.workers > 1 else None, known=known):
                if record.kind != "claim":
                    continue
                index = claims // job.chunk
                claims += 1
                if index != current:
                    if records:
                        send(chunk(records))
                    current, records = index, []
                if index % job.workers == job.worker:
                    records.append(record)
        except ReadError as failure:
            error = import_checks.Problem(failure.path, failure.line, "", failure.message, failure.hint)
            if claims // job.chunk != current:  # the error begins a chunk of its own
                if records:
                    send(chunk(records))
                current, records = claims // job.chunk, []
        if records or (error is not None and current % job.workers == job.worker):
            send(chunk(records, error if current % job.workers == job.worker else None))
        send(_End(claims, sent_bytes()))


class _QuoteLocator:
    """Locate the quotes of a worker's claims, as the importer would, so that it need not.

    Texts come from the importer's spool (documents this import writes) or from the database as
    last committed (documents it does not touch, which therefore read the same). Claims stored
    with the same content are left alone: the importer does not locate unchanged claims. Whatever
    is not located here, the importer locates itself.
    """

    def __init__(self, job: _Job, s: Any) -> None:
        import sqlite3

        self.database = sqlite3.connect(f"{Path(job.database).resolve().as_uri()}?mode=ro", uri=True)
        self.spool = open(job.spool, "rb")  # noqa: SIM115 - the worker's lifetime
        self.index = job.spool_index
        self.s = s
        s.read_text = self.read_text

    def read_text(self, pk: int) -> str:
        spooled = self.index.find(pk) if self.index is not None else None
        if spooled is not None:
            offset, length = spooled
            self.spool.seek(offset)
            return self.spool.read(length).decode("utf-8", "surrogatepass")
        return self.database.execute("SELECT text FROM documents WHERE pk = ?", (pk,)).fetchone()[0]  # type: ignore[no-any-return]

    def __call__(self, prepared: list[Any]) -> list[Any]:
        ids = [claim.id for claim in prepared if type(claim) is not import_checks._KnownClaim]
        if not ids:
            return prepared
        stored = dict(self.database.execute(
            f"SELECT id, content_sha256 FROM claims WHERE id IN ({', '.join('?' for _ in ids)})", ids).fetchall())
        located = []
        for claim in prepared:
            if type(claim) is not import_checks._KnownClaim and stored.get(claim.id) != claim.content_sha256:
                normalized = import_checks._document_normalized(self.s, claim.document_pk)[1]
                claim = claim._replace(location=import_checks.find_quote(normalized, claim.quote) or ())
            located.append(claim)
        return located


def main() -> None:
    job: _Job = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    try:
        _work(job, out)
    except BaseException:  # noqa: B036 - reported to the importer, which raises it
        pickle.dump(_Crash(traceback.format_exc()), out)
        out.flush()
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


class _Pool:
    """Worker processes, started before their jobs are known: starting Python and importing factdb
    takes a second, which the importer's first pass over the files hides."""

    def __init__(self, count: int) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.grow(count)

    def grow(self, count: int) -> None:
        while len(self.processes) < count:
            self.processes.append(subprocess.Popen(WORKER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                   env=_worker_environment()))

    def send(self, jobs: list[_Job]) -> None:
        """One job to each of the first len(jobs) workers; the others are stopped."""
        self.grow(len(jobs))
        for process in self.processes[len(jobs):]:
            process.kill()
            process.wait()
        del self.processes[len(jobs):]
        for process, job in zip(self.processes, jobs, strict=True):
            assert process.stdin is not None
            try:
                pickle.dump(job, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                process.stdin.close()
            except BrokenPipeError:
                pass  # it stopped at once: receive() says so

    def receive(self, worker: int) -> _Chunk | _End:
        stdout = self.processes[worker].stdout
        assert stdout is not None
        try:
            message = pickle.load(stdout)
        except EOFError:
            raise WorkerFailed(f"validation worker {worker} stopped (exit code {self.processes[worker].wait()})") from None
        except Exception as error:  # noqa: BLE001 - whatever a corrupted stream raises while unpickling
            # Something else wrote to the worker's output (or it stopped in the middle of a message).
            raise WorkerFailed(f"validation worker {worker} sent output that is not one of its messages "
                               f"({type(error).__name__}: {error})") from None
        if isinstance(message, _Crash):
            raise WorkerFailed(f"validation worker {worker} failed:\n{message.traceback}")
        return message  # type: ignore[no-any-return]

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def streamable(paths: Sequence[Path]) -> bool:
    """Whether workers can read these files' claims: JSON Lines and CSV are read as streams."""
    return all(file_format(p) in ("jsonl", "csv") for p in paths)


def start(count: int) -> _Pool:
    """Start ``count`` workers now, for checked_chunks() to use later (or close())."""
    return _Pool(count)


def checked_chunks(s: Any, paths: Sequence[Path], workers: int, chunk: int,
                   progress: Callable[[int], None] | None, counts: Counter[str], pool: _Pool | None = None) -> Iterator[list[Any]]:
    """The claims of ``paths``, checked by ``workers`` processes, one chunk at a time in file order.

    ``s`` is the importer's session: the workers' problems are added to it in order (quote checks
    of claims with other problems run here, where the documents of this import can be read), and
    read errors and CSV record counts are noted as the importer's own reading would.
    ``pool``: workers started earlier (see start()); closed here in any case.
    """
    names = [str(p) for p in paths if str(p) not in s.unreadable]
    spool = s.spool
    if spool is not None:
        spool.flush()
    database = s.conn.engine.url.database if spool is not None else None
    spooled = spool.index() if spool is not None else None
    jobs = [_Job(names, w, workers, chunk, progress is not None and w == 0, s.source_keys, s.aliases, s.events, s.metrics,
                 s.documents, database, spool.path if spool else None, spooled, s.had_claims)
            for w in range(workers)]
    pool = pool or _Pool(0)
    try:
        pool.send(jobs)
        for name in names:
            ended: set[int] = set()
            index = 0
            while True:
                worker = index % workers
                message = pool.receive(worker)
                if progress and message.bytes_read:
                    progress(message.bytes_read)
                if isinstance(message, _End):
                    ended.add(worker)
                    if file_format(Path(name)) == "csv":
                        counts[name] += message.claims
                    break
                if message.read_error is not None:
                    s.unreadable.add(name)
                    s.problems.append(message.read_error)
                for problem in message.problems:
                    if isinstance(problem, import_checks._QuoteCheck):
                        import_checks._report_missing_quote(s, problem.record, problem.document_id, problem.quote)
                    else:
                        s.add_problem(problem)
                yield message.prepared
                index += 1
                if message.read_error is not None:
                    break
            for worker in range(workers):  # the file's end (or what others read past its read error)
                while worker not in ended:
                    message = pool.receive(worker)
                    if progress and message.bytes_read:
                        progress(message.bytes_read)
                    if isinstance(message, _End):
                        ended.add(worker)
    finally:
        pool.close()

