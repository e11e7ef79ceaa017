"""`binhdang bot` as a real process, long-polling a fake Bot API, on the real starter corpus."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fake_bot_api import TOKEN, FakeBotApi
from index.build import build_index
from tg_updates import message

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
STARTUP_TIMEOUT_S = 60  # interpreter, imports and index loading; not part of the 2-second budget
ANSWER_BUDGET_S = 2.0


def binhdang_executable() -> str:
    found = shutil.which("binhdang", path=str(Path(sys.executable).parent)) or shutil.which("binhdang")
    if found is None:
        pytest.fail("the binhdang console script is not installed (pip install -e .)")
    return found


def stop(process: subprocess.Popen, api: FakeBotApi) -> str:
    """Stop the bot (SIGINT, then kill) and the fake API; returns what the bot logged."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        _, log_text = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, log_text = process.communicate()
    api.stop()
    return log_text


def wait_for_answer(api: FakeBotApi, process: subprocess.Popen):
    """The first sendMessage, failing at once with the bot's output if the process exits first."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return api.wait_for("sendMessage", timeout=0.2)[0]
        except TimeoutError:
            continue
    if process.poll() is None:
        process.kill()
    pytest.fail(f"no answer from the bot; its output:\n{process.communicate(timeout=10)[1]}")


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"starter corpus not found at {CORPUS}")
    index = tmp_path_factory.mktemp("corpus-index")
    build_index(CORPUS, index)
    return index


def test_binhdang_bot_answers_a_queued_question_with_a_citation_within_two_seconds(corpus_index, tmp_path):
    api = FakeBotApi().start()
    question = message("Tháng hành động vì bình đẳng giới diễn ra từ ngày nào đến ngày nào?")
    api.queue_update(question)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1",
           "BINHDANG_JOURNAL": str(tmp_path / "journal.sqlite3")}
    process = subprocess.Popen(
        [binhdang_executable(), "bot", "--api-base-url", api.base_url, "--index", str(corpus_index)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        answer = wait_for_answer(api, process)
        latency = answer.at - api.delivered_at[question["update_id"]]
        print(f"question served by getUpdates -> sendMessage received: {latency * 1000:.0f} ms")
        assert latency <= ANSWER_BUDGET_S
        text = answer.params["text"]
        assert "15/11" in text and "📄" in text
        assert api.sent("setMyCommands"), "the command menu is announced at start"
    finally:
        log_text = stop(process, api)
    assert TOKEN not in log_text and TOKEN.split(":")[1] not in log_text
    assert (tmp_path / "journal.sqlite3").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_binhdang_bot_in_webhook_mode_answers_a_posted_update_and_refuses_forged_ones(corpus_index, tmp_path):
    import json
    import urllib.error
    import urllib.request

    api = FakeBotApi().start()
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1",
           "BINHDANG_JOURNAL": str(tmp_path / "journal.sqlite3")}
    process = subprocess.Popen(
        [binhdang_executable(), "bot", "--api-base-url", api.base_url, "--index", str(corpus_index),
         "--webhook", hook, "--listen", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def post(update: dict, secret: str) -> int:
        request = urllib.request.Request(
            hook, data=json.dumps(update).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        (registration,) = api.wait_for("setWebhook", timeout=STARTUP_TIMEOUT_S)
        assert registration.params["url"] == hook
        secret = registration.params["secret_token"]
        deadline = time.monotonic() + 10
        while True:  # the server starts listening just after it registers
            try:
                status = post(message("Bình đẳng giới là gì?"), "forged")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert status == 403 and not api.sent("sendMessage")
        assert post(message("Bình đẳng giới là gì?"), secret) == 200
        (answer,) = api.wait_for("sendMessage", timeout=10)
        assert "Bình đẳng giới là việc nam, nữ" in answer.params["text"]
    finally:
        log_text = stop(process, api)
    assert TOKEN not in log_text


def test_a_rejected_token_is_one_plain_line_and_never_printed(corpus_index, tmp_path):
    api = FakeBotApi().start()
    wrong = "7000001:REVOKED-token-abcdefghijklmnop"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": wrong, "HF_HUB_OFFLINE": "1",
           "BINHDANG_JOURNAL": str(tmp_path / "journal.sqlite3")}
    try:
        done = subprocess.run(
            [binhdang_executable(), "bot", "--api-base-url", api.base_url, "--index", str(corpus_index)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=STARTUP_TIMEOUT_S)
    finally:
        api.stop()
    output = done.stdout + done.stderr
    assert done.returncode == 2
    assert "Telegram từ chối token của bot (401 Unauthorized)" in done.stderr.splitlines()[-1]
    assert wrong not in output and wrong.split(":")[1] not in output
