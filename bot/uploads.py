"""Documents admins send to the bot: staged, checked, shown, then added to the documents folder.

A file is first written to `<docs>/.incoming/<ticket>/` with a one-entry manifest made from its
caption; nothing in the documents folder changes until the admin presses "Thêm". Then the file
moves into the folder, its entry is added to the folder's manifest.json (whatever shape that
file has), and the index is rebuilt incrementally while the old one keeps serving. The staging
folder starts with a dot, so `list_document_files` never indexes it.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from index.normalise import strip_diacritics
from knowledge.metadata import MANIFEST_NAME

ACCEPTED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the most the Bot API lets a bot download
INCOMING = ".incoming"
_TICKET = re.compile(r"^[0-9a-f]{10}$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")


class UploadRefused(ValueError):
    """The file cannot be taken (type, size, name); the message is for the admin, in Vietnamese."""


@dataclass(frozen=True)
class Staged:
    """A file waiting for the admin's confirmation."""

    ticket: str
    folder: Path
    file_name: str
    entry: dict

    @property
    def path(self) -> Path:
        return self.folder / self.file_name


def safe_file_name(name: str) -> str:
    """A file name any system accepts, from what the client sent ('Kế hoạch 12.docx' → 'ke-hoach-12.docx')."""
    name = unicodedata.normalize("NFC", Path(name or "").name)
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", strip_diacritics(stem).lower()).strip("-")[:60]
    return f"{slug or 'tai-lieu'}{suffix}"


def entry_from_caption(caption: str, file_name: str) -> dict:
    """A manifest entry from a caption 'Tiêu đề | số hiệu | cơ quan ban hành | ngày (dd/mm/yyyy)';
    every part optional, the rest is read from the document itself."""
    parts = [part.strip() for part in (caption or "").split("|")]
    # Nobody has checked yet whether it is in force: answers from it say so until an admin sets the
    # manifest's status.
    entry: dict = {"id": Path(file_name).stem, "file": file_name, "status": "check"}
    for key, value in zip(("title", "number", "issuer", "issued"), parts):
        if not value:
            continue
        if key == "issued":
            match = _DATE.match(value)
            if not match:
                raise UploadRefused(f"Ngày «{value}» không đúng dạng ngày/tháng/năm (ví dụ 31/5/2024).")
            day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
                else (match.group(6), match.group(5), match.group(4))
            value = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        entry[key] = unicodedata.normalize("NFC", value)
    return entry


def stage_check(file_name: str, size: int) -> str:
    """The safe name of a file the bot may take; UploadRefused for a type or size it may not."""
    name = safe_file_name(file_name)
    if Path(name).suffix not in ACCEPTED_SUFFIXES:
        raise UploadRefused(f"Tôi chỉ nhận tệp {', '.join(ACCEPTED_SUFFIXES)}.")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"Tệp lớn quá ({size // (1024 * 1024)} MB); giới hạn là {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    return name


def stage(docs_dir: Path, file_name: str, data: bytes, caption: str) -> Staged:
    """Write an uploaded file and its one-entry manifest into a fresh staging folder."""
    name = stage_check(file_name, len(data))
    entry = entry_from_caption(caption, name)
    ticket = secrets.token_hex(5)
    folder = docs_dir / INCOMING / ticket
    folder.mkdir(parents=True)
    (folder / name).write_bytes(data)
    (folder / MANIFEST_NAME).write_text(json.dumps({"sources": [entry]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return Staged(ticket, folder, name, entry)


def staged(docs_dir: Path, ticket: str) -> Staged | None:
    """The staged upload with this ticket, or None (unknown, already added or cancelled)."""
    if not _TICKET.match(ticket):
        return None
    folder = docs_dir / INCOMING / ticket
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return None
    (entry,) = json.loads(manifest.read_text(encoding="utf-8"))["sources"]
    return Staged(ticket, folder, entry["file"], entry)


def discard(upload: Staged) -> None:
    """Forget a staged upload."""
    shutil.rmtree(upload.folder, ignore_errors=True)


def add_to_folder(upload: Staged, docs_dir: Path) -> str:
    """Move the staged file into the documents folder and add its entry to the folder's manifest
    (keeping the manifest's shape); the file name it got there."""
    name, number = upload.file_name, 1
    while (docs_dir / name).exists():
        number += 1
        name = f"{Path(upload.file_name).stem}-{number}{Path(upload.file_name).suffix}"
    entry = {**upload.entry, "file": name, "id": Path(name).stem}
    manifest_path = docs_dir / MANIFEST_NAME
    data: object = json.loads(manifest_path.read_text(encoding="utf-8-sig")) if manifest_path.is_file() else {"sources": []}
    if isinstance(data, dict) and "sources" in data:
        data["sources"].append(entry)
    elif isinstance(data, list):
        data.append(entry)
    else:
        data[name] = {key: value for key, value in entry.items() if key != "file"}
    shutil.move(str(upload.path), docs_dir / name)
    partial = manifest_path.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(manifest_path)  # the manifest is never seen half-written
    discard(upload)
    return name
