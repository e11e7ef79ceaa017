"""Webhook workers as Telegram sees them: start N `binhdang bot --webhook` processes on
127.0.0.1 sharing one database, post updates to them round-robin (retrying as Telegram does), and
measure updates per second and the 95th-percentile time from first post to acknowledgement.

    python -m scripts.bench_workers --database postgresql://… [--workers 1 2 3] [--updates 300]

The workers reply to the fake Bot API of the end-to-end tests (tests/e2e/fake_bot_api.py, so run
it from a checkout), and answer from a small index built from the test documents unless --index
is given. The multi-worker tests drive the same `Fleet`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot.worker import SECRET_HEADER, webhook_secret

REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 120  # interpreter, imports, index loading; 2 cores shared with other work
DELIVERY_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binhdang_executable() -> str:
    found = shutil.which("binhdang", path=str(Path(sys.executable).parent)) or shutil.which("binhdang")
    if found is None:
        raise RuntimeError("the binhdang console script is not installed (pip install -e .)")
    return found


@dataclass
class WorkerProcess:
    """One `binhdang bot --webhook` process and where it listens."""

    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Delivery:
    """One update as Telegram delivers it: posted until a worker acknowledges it with 200."""

    update: dict
    first_worker: int
    attempts: list[tuple[int, int | str]] = field(default_factory=list)  # (worker, status or error)
    seconds: float = 0.0


class Fleet:
    """N webhook workers sharing `database`, answering into the Bot API at `api_base_url`."""

    def __init__(self, count: int, *, api_base_url: str, index_dir: Path, database: str, token: str,
                 work_dir: Path, env: dict[str, str] | None = None) -> None:
        self.count, self.api_base_url, self.index_dir = count, api_base_url, index_dir
        self.database, self.token, self.work_dir = database, token, work_dir
        self.env = env or {}
        self.workers: list[WorkerProcess] = []
        self.secret = webhook_secret(token)
        self.in_flight: dict[int, set[int]] = {}  # worker -> update ids being posted to it
        self._lock = threading.Lock()

    def start(self) -> "Fleet":
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": self.token, "HF_HUB_OFFLINE": "1",
               "BINHDANG_DATABASE_URL": self.database, **self.env}
        for number in range(self.count):
            port = free_port()
            log_path = self.work_dir / f"worker-{number}.log"
            with log_path.open("w") as log_file:
                process = subprocess.Popen(
                    [binhdang_executable(), "bot", "--webhook", f"http://127.0.0.1:{port}/hook",
                     "--listen", "127.0.0.1", "--port", str(port), "--api-base-url", self.api_base_url,
                     "--index", str(self.index_dir)],
                    cwd=self.work_dir, env=env, stdout=log_file, stderr=subprocess.STDOUT)
            self.workers.append(WorkerProcess(port, process, log_path))
            self.in_flight[number] = set()
        for worker in self.workers:
            self._wait_ready(worker)
        return self

    def _wait_ready(self, worker: WorkerProcess) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if not worker.alive:
                raise RuntimeError(f"worker on port {worker.port} exited:\n{worker.log()}")
            try:
                status, _ = self.health(worker)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"worker on port {worker.port} not ready in {STARTUP_TIMEOUT_S}s:\n{worker.log()}")

    def health(self, worker: WorkerProcess) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{worker.port}/healthz", timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def post(self, number: int, update: dict, timeout: float = 30) -> int:
        """One POST of `update` to worker `number`; its HTTP status."""
        request = urllib.request.Request(
            self.workers[number].url, data=json.dumps(update).encode(), method="POST",
            headers={"Content-Type": "application/json", SECRET_HEADER: self.secret})
        with self._lock:
            self.in_flight[number].add(update["update_id"])
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        finally:
            with self._lock:
                self.in_flight[number].discard(update["update_id"])

    def deliver(self, delivery: Delivery) -> Delivery:
        """Post until some worker acknowledges with 200, moving to the next live worker after a
        refused connection or a 5xx, as Telegram's retries reach another worker behind the proxy."""
        started = time.perf_counter()
        number = delivery.first_worker
        deadline = time.monotonic() + DELIVERY_TIMEOUT_S
        while True:
            try:
                status: int | str = self.post(number, delivery.update)
            except OSError as error:  # refused or reset: the worker is gone
                status = type(error).__name__
            delivery.attempts.append((number, status))
            if status == 200:
                break
            if status in (400, 403) or time.monotonic() > deadline:
                raise RuntimeError(f"update {delivery.update['update_id']} not delivered: {delivery.attempts}")
            time.sleep(0.2)
            number = self._next_live(number)
        delivery.seconds = time.perf_counter() - started
        return delivery

    def _next_live(self, number: int) -> int:
        for step in range(1, self.count + 1):
            candidate = (number + step) % self.count
            if self.workers[candidate].alive:
                return candidate
        raise RuntimeError("every worker is dead")

    def deliver_all(self, deliveries: Sequence[Delivery], concurrency: int) -> list[Delivery]:
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(self.deliver, deliveries))

    def kill(self, number: int) -> set[int]:
        """SIGKILL worker `number` (no clean shutdown); the update ids it was handling."""
        with self._lock:
            caught = set(self.in_flight[number])
        self.workers[number].process.kill()
        self.workers[number].process.wait()
        return caught

    def stop(self) -> None:
        for worker in self.workers:
            if worker.alive:
                worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()


# ---- the benchmark ---------------------------------------------------------------------------

QUESTIONS = ("Bình đẳng giới là gì?", "Các nguyên tắc cơ bản về bình đẳng giới",
             "Tháng hành động vì bình đẳng giới diễn ra khi nào?", "giới tính là gì")
_ids = itertools.count(1)


def question_update(text: str, user_id: int) -> dict:
    """A private text message from `user_id`, as the Bot API posts it."""
    body = {"message_id": next(_ids), "date": int(time.time()), "text": text,
            "from": {"id": user_id, "is_bot": False, "first_name": "Cán bộ", "language_code": "vi"},
            "chat": {"id": user_id, "type": "private", "first_name": "Cán bộ"}}
    return {"update_id": next(_ids), "message": body}


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_bench(workers: int, updates: int, users: int, concurrency: int, *, api_base_url: str,
              index_dir: Path, database: str, token: str, work_dir: Path) -> dict:
    """Start `workers` workers, deliver `updates` questions round-robin, stop; the figures."""
    fleet = Fleet(workers, api_base_url=api_base_url, index_dir=index_dir, database=database, token=token,
                  work_dir=work_dir, env={"BINHDANG_RATE_LIMIT": "100000/min"}).start()
    try:
        deliveries = [Delivery(question_update(QUESTIONS[n % len(QUESTIONS)], 10_000 + n % users), n % workers)
                      for n in range(updates + concurrency)]
        fleet.deliver_all(deliveries[:concurrency], concurrency)  # warm-up, not measured
        measured = deliveries[concurrency:]
        started = time.perf_counter()
        fleet.deliver_all(measured, concurrency)
        elapsed = time.perf_counter() - started
    finally:
        fleet.stop()
    latencies = [d.seconds * 1000 for d in measured]
    return {"workers": workers, "updates": len(measured), "seconds": round(elapsed, 2),
            "updates_per_s": round(len(measured) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 0.95), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("BINHDANG_DATABASE_URL"),
                        help="PostgreSQL URL (default: $BINHDANG_DATABASE_URL); its tables are emptied")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--updates", type=int, default=300, help="updates per run (default 300)")
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=12, help="updates in flight at once (default 12)")
    parser.add_argument("--index", type=Path, default=None, help="index to serve (default: one built from the test documents)")
    args = parser.parse_args(argv)
    if not args.database:
        parser.error("--database or BINHDANG_DATABASE_URL is required")

    sys.path.insert(0, str(REPO / "tests" / "e2e"))
    from conftest import write_docs  # noqa: E402 - the test documents, from a checkout
    from fake_bot_api import TOKEN, FakeBotApi  # noqa: E402

    from bot.storage import open_storage
    from index.build import build_index

    with tempfile.TemporaryDirectory(prefix="binhdang-bench-") as folder:
        work = Path(folder)
        index_dir = args.index
        if index_dir is None:
            index_dir = work / "index"
            build_index(write_docs(work / "docs"), index_dir)
        storage = open_storage(args.database, migrate=True)
        api = FakeBotApi().start()
        results = []
        try:
            for workers in args.workers:
                # Each run starts from empty tables, so that no run inherits another's claims or limits.
                for table in ("feedback", "questions", "rate_events", "update_claims"):
                    storage.backend.run(f"DELETE FROM {table}")
                api.reset()
                result = run_bench(workers, args.updates, args.users, args.concurrency,
                                   api_base_url=api.base_url, index_dir=index_dir, database=args.database,
                                   token=TOKEN, work_dir=work)
                results.append(result)
                print(f"{workers} worker(s): {result['updates']} updates in {result['seconds']} s = "
                      f"{result['updates_per_s']} updates/s; p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms",
                      flush=True)
        finally:
            api.stop()
            storage.close()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
