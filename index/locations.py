"""Where binhdang keeps its files unless told otherwise (the CLI and the bot read overrides)."""

from __future__ import annotations

from pathlib import Path


def data_dir() -> Path:
    """The user data directory: the index and the bot's journal live here by default."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("binhdang"))


def default_index_dir() -> Path:
    """The index directory when neither --index nor $BINHDANG_INDEX names one."""
    return data_dir() / "index"
