"""Faults of the index directory: missing checksums, a read-only or full disk, a broken manifest.
Each is refused or reported plainly, and the build that was serving keeps serving."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from index import store
from index.build import build_index
from index.errors import IndexDamaged, IndexNotWritable
from index.searcher import open_index

LAW = "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về bình đẳng giới trong các lĩnh vực của đời sống xã hội và gia đình."
PLAN = "KẾ HOẠCH\nThực hiện công tác bình đẳng giới năm 2024\n\n1. Nâng cao nhận thức về bình đẳng giới cho cán bộ, công chức."


def make_read_only(monkeypatch: pytest.MonkeyPatch, index_dir: Path, code: int = errno.EROFS) -> None:
    """Make every directory or file created under `index_dir` fail as a read-only (or full) disk does.

    (The tests run as root in CI, where chmod cannot take write permission away.)"""
    real_mkdir, real_write_bytes = Path.mkdir, Path.write_bytes

    def inside(path: Path) -> bool:
        return Path(path).absolute().is_relative_to(index_dir.absolute())

    def mkdir(self: Path, *args, **kwargs):
        if inside(self):
            raise OSError(code, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    def write_bytes(self: Path, data: bytes):
        if inside(self):
            raise OSError(code, "Read-only file system", str(self))
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.fixture
def built(tmp_path: Path, write_documents) -> tuple[Path, Path, Path]:
    """A documents folder, an index directory, and the build serving from it."""
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW})
    index_dir = tmp_path / "index"
    report = build_index(docs, index_dir)
    return docs, index_dir, report.build_dir


def strip_checksums(build_dir: Path) -> None:
    manifest_path = build_dir / store.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["files"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_build_without_checksums_is_refused_like_a_damaged_one(built) -> None:
    _, index_dir, build_dir = built
    strip_checksums(build_dir)
    with pytest.raises(IndexDamaged, match="thiếu mã kiểm tra"):
        store.verify(build_dir)
    with pytest.raises(IndexDamaged):
        open_index(index_dir)


def test_a_build_without_checksums_falls_back_to_the_previous_good_one(built, write_documents) -> None:
    docs, index_dir, first = built
    write_documents(docs, {"ke-hoach.txt": PLAN})
    second = build_index(docs, index_dir).build_dir
    strip_checksums(second)
    searcher = open_index(index_dir)
    assert searcher.build_dir.resolve() == first.resolve()
    assert any("thiếu mã kiểm tra" in warning for warning in searcher.warnings)


def test_a_read_only_index_directory_is_one_plain_error_and_the_live_build_stays(built, write_documents, monkeypatch) -> None:
    docs, index_dir, live = built
    write_documents(docs, {"ke-hoach.txt": PLAN})
    make_read_only(monkeypatch, index_dir)
    with pytest.raises(IndexNotWritable) as caught:
        build_index(docs, index_dir)
    message = str(caught.value)
    assert "\n" not in message
    assert "Không ghi được chỉ mục" in message and "chỉ đọc" in message and "giữ nguyên" in message
    monkeypatch.undo()
    assert store.current_build(index_dir).resolve() == live.resolve()
    assert sorted(open_index(index_dir).sources) == ["luat"]


def test_a_disk_filling_up_midway_leaves_no_partial_build(built, write_documents, monkeypatch) -> None:
    docs, index_dir, live = built
    write_documents(docs, {"ke-hoach.txt": PLAN})

    def disk_full(build_dir: Path, *args, **kwargs):
        (build_dir / "sources.json").write_text("[", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("index.build.write_build", disk_full)
    with pytest.raises(IndexNotWritable, match="đĩa đã đầy"):
        build_index(docs, index_dir)
    assert not [path for path in (index_dir / store.BUILDS).iterdir() if path.name.endswith(".partial")]
    assert store.current_build(index_dir).resolve() == live.resolve()


def test_a_broken_manifest_does_not_stop_a_build(tmp_path: Path, write_documents) -> None:
    docs = write_documents(tmp_path / "docs", {"luat.txt": LAW, "ke-hoach.txt": PLAN})
    (docs / "manifest.json").write_text('{"sources": [', encoding="utf-8")
    report = build_index(docs, tmp_path / "index")
    assert report.documents == 2
    assert report.warnings and "manifest.json" in report.warnings[0]
