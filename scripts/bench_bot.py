"""Load benchmark: `binhdang bot` as a real process, long-polling the fake Bot API of the tests.

    python -m scripts.bench_bot [--index DIR] [--users 50] [--questions 4] [--burst 4] [--spread 20]

Starts the bot on the given index (the real one, with its embedding model, by default), waits
until it polls, then runs rounds of `users` × `questions` questions, each user in their own
private chat:

- at-once: all of them handed out by getUpdates at the same moment (the worst case: the whole
  room pressing send in the same second);
- burst: the issue's scenario, the same number arriving within `--burst` seconds at random moments
  (uniform, seeded with `--seed`): a training room told "ask now", each person typing;
- spread: the same number arriving evenly over `--spread` seconds.

The wait of a question is from the moment getUpdates handed it to the bot to the moment the
fake API received the reply (a user's replies are paired with their questions in order). Prints
per round the questions answered and those told "busy" instead, median / p95 / max wait, the CPU
time the bot used per question (user + system, all threads: what a loaded machine cannot
disturb, unlike the waits), and the bot's resident memory (VmRSS after the round, VmHWM = peak
so far), read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The fake Bot API lives with the end-to-end tests that also drive the bot with it.
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from fake_bot_api import TOKEN, FakeBotApi  # noqa: E402
from tg_updates import message  # noqa: E402

from bot import messages  # noqa: E402

GOLD = REPO.parent / "shared" / "eval" / "dev.jsonl"
FALLBACK_QUESTIONS = (
    "Bình đẳng giới là gì?",
    "Các nguyên tắc cơ bản về bình đẳng giới?",
    "Tháng hành động vì bình đẳng giới diễn ra khi nào?",
    "Lao động nữ được nghỉ thai sản bao lâu?",
)


def questions_from(path: Path) -> list[str]:
    """Every question of a gold file (one JSON object a line), or a few built-in ones."""
    if not path.is_file():
        return list(FALLBACK_QUESTIONS)
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def arrivals(kind: str, total: int, seconds: float, seed: int) -> list[float]:
    """When each question arrives, in seconds from the round's start, in order: all at 0
    ("at-once"), uniformly at random within `seconds` ("burst"), or evenly over them ("spread")."""
    if kind == "at-once" or seconds <= 0:
        return [0.0] * total
    if kind == "burst":
        rng = random.Random(seed)
        return sorted(rng.uniform(0.0, seconds) for _ in range(total))
    return [seconds * number / total for number in range(total)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_round(api: FakeBotApi, questions: list[str], users: int, per_user: int, offsets: list[float],
              first_user: int) -> dict:
    """Queue users × per_user questions at `offsets` seconds from now; wait for every reply."""
    api.calls.clear()
    total = users * per_user
    updates = []
    for round_ in range(per_user):
        for n in range(users):
            text = questions[(n * per_user + round_) % len(questions)]
            updates.append(message(text, user_id=first_user + n))
    started = time.monotonic()
    for offset, update in zip(offsets, updates):
        time.sleep(max(0.0, started + offset - time.monotonic()))
        api.queue_update(update)
    api.wait_for("sendMessage", total, timeout=120 + offsets[-1])
    time.sleep(0.5)  # a duplicate reply would show up now
    replies = api.sent("sendMessage")
    waits, busy_waits = [], []
    for n in range(users):
        chat = first_user + n
        asked = sorted(api.delivered_at[u["update_id"]] for u in updates if u["message"]["chat"]["id"] == chat)
        mine = sorted((c for c in replies if int(c.params["chat_id"]) == chat), key=lambda c: c.at)
        for reply, at in zip(mine, asked):
            (busy_waits if reply.params["text"] == messages.BUSY else waits).append(reply.at - at)
    everything = waits + busy_waits
    handed = [api.delivered_at[u["update_id"]] for u in updates]
    return {"questions": total, "replies": len(replies), "busy": len(busy_waits), "answered": len(waits),
            "median_s": statistics.median(everything), "p95_s": _p95(everything), "max_s": max(everything),
            "answered_median_s": statistics.median(waits) if waits else 0.0,
            "answered_p95_s": _p95(waits), "busy_p95_s": _p95(busy_waits),
            "handed_over_s": max(handed) - min(handed), "seconds": time.monotonic() - started}


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="index directory (default: BINHDANG_INDEX or the user data dir)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=4, help="questions per user")
    parser.add_argument("--burst", type=float, default=4.0, help="seconds within which the burst round's questions arrive")
    parser.add_argument("--spread", type=float, default=20.0, help="seconds the spread round lasts")
    parser.add_argument("--seed", type=int, default=13, help="seed of the burst round's arrival moments")
    parser.add_argument("--rounds", default="at-once,burst,spread",
                        help="which rounds to run, in order (comma-separated: at-once, burst, spread)")
    parser.add_argument("--gold", type=Path, default=GOLD, help="questions to ask (JSON lines with 'question')")
    parser.add_argument("--code", type=Path, default=REPO,
                        help="checkout whose bot to start (default: this one), to compare with an older commit")
    parser.add_argument("--bot-env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment for the bot, e.g. BINHDANG_MAX_IN_FLIGHT=32 (repeatable)")
    args = parser.parse_args(argv)

    api = FakeBotApi().start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1",
           "BINHDANG_JOURNAL": str(workdir / "journal.sqlite3"), "BINHDANG_RATE_LIMIT": "1000/min",
           "PYTHONPATH": str(args.code.resolve()),
           **dict(item.split("=", 1) for item in args.bot_env)}
    command = [sys.executable, "-m", "scripts.cli", "bot", "--api-base-url", api.base_url,
               "--log-level", "ERROR"]
    if args.index:
        command += ["--index", str(args.index)]
    bot = subprocess.Popen(command, cwd=args.code, env=env, stderr=subprocess.PIPE, text=True)
    try:
        api.wait_for("setMyCommands", timeout=180)
        while not api.paths or not api.paths[-1].endswith("getUpdates"):
            time.sleep(0.05)
        idle = memory_kib(bot.pid)
        questions = questions_from(args.gold)
        print(f"bot pid {bot.pid}; {args.users} users x {args.questions} questions; "
              f"{len(questions)} distinct questions; RSS idle {idle['VmRSS'] / 1024:.0f} MiB")
        seconds = {"at-once": 0.0, "burst": args.burst, "spread": args.spread}
        for number, name in enumerate(args.rounds.split(",")):
            total = args.users * args.questions
            cpu_before = cpu_seconds(bot.pid)
            result = run_round(api, questions, args.users, args.questions,
                               arrivals(name, total, seconds[name], args.seed), first_user=10_000 * (number + 1))
            memory = memory_kib(bot.pid)
            cpu_ms = (cpu_seconds(bot.pid) - cpu_before) * 1000 / total
            print(f"{name:7} ({seconds[name]:4.0f} s): {result['answered']} answered, {result['busy']} told busy, "
                  f"{result['replies']} replies to {result['questions']} questions "
                  f"handed over within {result['handed_over_s']:.1f} s; "
                  f"wait median {result['median_s'] * 1000:.0f} ms, p95 {result['p95_s'] * 1000:.0f} ms, "
                  f"max {result['max_s'] * 1000:.0f} ms (answered: median {result['answered_median_s'] * 1000:.0f} ms, "
                  f"p95 {result['answered_p95_s'] * 1000:.0f} ms); "
                  f"bot CPU {cpu_ms:.0f} ms a question; "
                  f"RSS {memory['VmRSS'] / 1024:.0f} MiB, peak {memory['VmHWM'] / 1024:.0f} MiB", flush=True)
    finally:
        bot.send_signal(signal.SIGINT)
        try:
            _, errors = bot.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()
            _, errors = bot.communicate()
        api.stop()
    if errors.strip():
        print("bot stderr:\n" + errors[-2000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
