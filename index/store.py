"""The index directory on disk: builds side by side, one `current` link, checksums on load.

    <index>/
      current -> builds/<build id>      the live build, switched atomically by rename
      builds/<build id>/manifest.json   what built it, when, and a sha256 of every file
      builds/<build id>/...             sources.json, passages.jsonl.gz, lexical and dense arrays

A build is written into its own directory and verified before `current` is switched to it,
so an interrupted or failed build never touches what is serving. The previous good build is
kept, and used when the current one fails verification.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import shutil
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

from index.errors import IndexDamaged, IndexNotFound, IndexNotWritable

MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl.gz"  # one JSON object a line; gzip, as passage text is most of a build's bytes
LEGACY_PASSAGES = "passages.jsonl"  # builds before format 3: read only to reuse their vectors
CURRENT = "current"
BUILDS = "builds"
KEEP_BUILDS = 2  # the live build and the one before it


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_build_dir(index_dir: Path) -> Path:
    """A fresh, empty directory for a build that is not live yet; IndexNotWritable if none can be made."""
    builds = index_dir / BUILDS
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = builds / f"{stamp}-{os.getpid()}-{os.urandom(3).hex()}.partial"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        path.mkdir()
    except OSError as error:
        raise not_writable(index_dir, error) from error
    return path


def check_writable(index_dir: Path) -> None:
    """IndexNotWritable unless a new build could be written into `index_dir` (tried with a probe file)."""
    builds = index_dir / BUILDS
    probe = builds / f".probe-{os.getpid()}-{os.urandom(3).hex()}"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise not_writable(index_dir, error) from error


def not_writable(index_dir: Path, error: OSError) -> IndexNotWritable:
    """The one line an admin reads when a build cannot be written: why, and that nothing changed."""
    if error.errno == errno.ENOSPC:
        why = "đĩa đã đầy"
    elif error.errno == errno.EDQUOT:
        why = "đã hết hạn mức dung lượng"
    elif error.errno == errno.EROFS:
        why = "thư mục nằm trên ổ chỉ đọc"
    elif error.errno in (errno.EACCES, errno.EPERM):
        why = "không có quyền ghi"
    elif error.errno in (errno.ENOTDIR, errno.EEXIST):
        why = "đường dẫn này là một tệp, không phải thư mục"
    else:
        why = f"lỗi hệ thống: {error.strerror or error}"
    return IndexNotWritable(
        f"Không ghi được chỉ mục vào {index_dir} ({why}); chỉ mục đang dùng được giữ nguyên."
    )


def write_passages(build_dir: Path, records: Iterable[dict]) -> None:
    """Store a build's passages, one JSON object a line, gzip-compressed.

    Passage text is the largest part of a build after the term counts (122 MiB of 650 at
    100,000 passages); legal and planning text repeats itself, and compressed it takes a sixth
    of that (0.15 of the starter corpus's passages). `mtime=0`: equal passages, equal bytes.
    """
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    with gzip.GzipFile(build_dir / PASSAGES, "wb", compresslevel=6, mtime=0) as handle:
        handle.write(lines.encode("utf-8"))


def read_passages(build_dir: Path) -> list[dict]:
    """The passage records `write_passages` stored, in order (ValueError if the file is not gzip JSON lines).

    A build from before compression has them plain; they are read too, so that the first build
    after an upgrade still reuses that build's vectors instead of embedding every passage again.
    """
    legacy = build_dir / LEGACY_PASSAGES
    if not (build_dir / PASSAGES).exists() and legacy.is_file():
        return [json.loads(line) for line in legacy.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        text = gzip.decompress((build_dir / PASSAGES).read_bytes()).decode("utf-8")
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ValueError(f"{PASSAGES}: {error}") from error
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_manifest(build_dir: Path, manifest: dict) -> None:
    """Seal a build: record a checksum of each of its files in its manifest."""
    files = {
        path.relative_to(build_dir).as_posix(): sha256_file(path)
        for path in sorted(build_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    sealed = dict(manifest, files=files)
    temporary = build_dir / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(sealed, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, build_dir / MANIFEST)


def verify(build_dir: Path) -> dict:
    """The manifest of a build whose every file is present and unaltered; else IndexDamaged."""
    manifest_path = build_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise IndexDamaged(f"{build_dir.name}: thiếu {MANIFEST} (bản dựng chưa hoàn tất)") from error
    except (OSError, json.JSONDecodeError) as error:
        raise IndexDamaged(f"{build_dir.name}: {MANIFEST} hỏng ({error})") from error
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not files:
        # Without checksums nothing can be verified: refused like a damaged build, not served unchecked.
        raise IndexDamaged(f"{build_dir.name}: {MANIFEST} thiếu mã kiểm tra các tệp (\"files\"); hãy dựng lại chỉ mục")
    for name, expected in files.items():
        path = build_dir / name
        if not path.is_file():
            raise IndexDamaged(f"{build_dir.name}: thiếu tệp {name}")
        if sha256_file(path) != expected:
            raise IndexDamaged(f"{build_dir.name}: tệp {name} đã bị thay đổi hoặc hỏng")
    return manifest


def publish(index_dir: Path, build_dir: Path) -> Path:
    """Make a sealed build the live one (atomic), and prune old builds. Returns its final path."""
    verify(build_dir)
    final = build_dir.with_suffix("") if build_dir.suffix == ".partial" else build_dir
    if final != build_dir:
        build_dir.rename(final)
    link = index_dir / CURRENT
    temporary = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(Path(BUILDS) / final.name)
    os.replace(temporary, link)  # rename is atomic: readers see the old build or the new one
    prune(index_dir)
    return final


def sealed_builds(index_dir: Path) -> list[Path]:
    """Finished builds, newest first (partial ones are never candidates)."""
    builds = index_dir / BUILDS
    if not builds.is_dir():
        return []
    return sorted(
        (path for path in builds.iterdir() if path.is_dir() and not path.name.endswith(".partial")),
        key=lambda path: path.name,
        reverse=True,
    )


def prune(index_dir: Path) -> None:
    """Keep the live build and the one before it; remove older ones and abandoned partials."""
    live = current_build(index_dir)
    keep = {live.resolve()} if live else set()
    for path in sealed_builds(index_dir):
        if len(keep) >= KEEP_BUILDS:
            break
        keep.add(path.resolve())
    builds = index_dir / BUILDS
    for path in builds.iterdir() if builds.is_dir() else []:
        if path.resolve() in keep:
            continue
        if path.name.endswith(".partial") and _is_recent(path):
            continue  # maybe another build in progress
        shutil.rmtree(path, ignore_errors=True)


def _is_recent(path: Path, seconds: float = 3600) -> bool:
    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False


def current_build(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def locate(index_dir: Path) -> tuple[Path, dict, list[str]]:
    """The build to serve: the current one if it verifies, else the newest that does.

    Returns (build dir, manifest, warnings). Raises IndexNotFound when there is no build at
    all, IndexDamaged when every build fails verification.
    """
    if not index_dir.exists():
        raise IndexNotFound(f"Chưa có chỉ mục tại {index_dir}. Hãy chạy: binhdang index build --docs <thư mục tài liệu>")
    candidates: list[Path] = []
    live = current_build(index_dir)
    if live:
        candidates.append(live)
    candidates.extend(path for path in sealed_builds(index_dir) if path.resolve() not in {c.resolve() for c in candidates})
    if (index_dir / MANIFEST).is_file():
        candidates.append(index_dir)  # a single build copied somewhere by hand
    if not candidates:
        raise IndexNotFound(f"Chưa có chỉ mục tại {index_dir}. Hãy chạy: binhdang index build --docs <thư mục tài liệu>")
    warnings: list[str] = []
    for candidate in candidates:
        try:
            return candidate, verify(candidate), warnings
        except IndexDamaged as error:
            warnings.append(str(error))
    raise IndexDamaged("Mọi bản chỉ mục đều hỏng: " + "; ".join(warnings))
