"""Settings from the environment and an optional TOML or .env file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_environment_gives_every_setting():
    settings = load_settings({
        "TELEGRAM_BOT_TOKEN": "123:abc", "BINHDANG_INDEX": "/srv/index", "BINHDANG_ADMIN_IDS": "1, 2",
        "BINHDANG_ALLOWED_CHATS": "-100,5", "BINHDANG_RATE_LIMIT": "5/10s",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/"})
    assert settings.index_dir == Path("/srv/index")
    assert settings.admin_ids == {1, 2} and settings.allowed_chat_ids == {-100, 5}
    assert (settings.rate_limit, settings.rate_window_s) == (5, 10.0)
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.chat_allowed(5) and not settings.chat_allowed(6) and settings.is_admin(2)


def test_defaults_allow_every_chat_at_twenty_questions_a_minute():
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert settings.allowed_chat_ids is None and settings.chat_allowed(42)
    assert (settings.rate_limit, settings.rate_window_s) == (20, 60.0)
    assert settings.webhook_url is None and settings.admin_ids == frozenset()


def test_token_never_appears_in_the_settings_repr():
    assert "s3cret" not in repr(load_settings({"TELEGRAM_BOT_TOKEN": "123:s3cret"}))


def test_toml_file_is_read_and_environment_wins(tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text('[bot]\ntoken = "1:file"\nadmin_ids = [7]\nrate_limit = "3/min"\n', encoding="utf-8")
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "1:env"}, config)
    assert settings.token == "1:env" and settings.admin_ids == {7} and settings.rate_limit == 3


def test_dotenv_file_is_read_and_command_line_wins(tmp_path):
    config = tmp_path / ".env"
    config.write_text('# comment\nexport TELEGRAM_BOT_TOKEN="1:dot"\nBINHDANG_INDEX=/a\n', encoding="utf-8")
    settings = load_settings({}, config, {"index_dir": Path("/b"), "port": None})
    assert settings.token == "1:dot" and settings.index_dir == Path("/b")


@pytest.mark.parametrize("env, complaint", [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "BINHDANG_ADMIN_IDS": "alice"}, "admin_ids"),
    ({"TELEGRAM_BOT_TOKEN": "1:a", "BINHDANG_RATE_LIMIT": "lots"}, "rate_limit"),
])
def test_bad_settings_say_what_to_fix(env, complaint):
    with pytest.raises(SettingsError, match=complaint):
        load_settings(env)


def test_unknown_toml_key_is_refused(tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text('tokn = "1:a"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="tokn"):
        load_settings({}, config)


def test_the_reindex_document_limit_is_read_in_megabytes():
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "1:a", "BINHDANG_MAX_DOC_MB": "2.5"})
    assert settings.max_document_bytes == int(2.5 * 1024 * 1024)
    assert load_settings({"TELEGRAM_BOT_TOKEN": "1:a"}).max_document_bytes is None
    with pytest.raises(SettingsError, match="BINHDANG_MAX_DOC_MB"):
        load_settings({"TELEGRAM_BOT_TOKEN": "1:a", "BINHDANG_MAX_DOC_MB": "-1"})
