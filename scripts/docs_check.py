"""`binhdang docs check DIR`: what would go wrong if this folder were indexed, file by file, before building."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from index.normalise import plain_key
from knowledge import loaders
from knowledge.errors import DocumentsFolderError, UnreadableDocument
from knowledge.ingest import clean_text, list_document_files, manifest_entry, relative_name
from knowledge.metadata import MANIFEST_NAME, ManifestError, default_source_id, read_manifest
from scripts import messages

MIN_CLEAN_CHARS = 200  # below this, cleaning left a stub (a menu, a title), not a document
FOLDER_KEY = "(thư mục)"

# 73/2006/QH11, 125/2021/NĐ-CP, 680/KH-SKHCN, 11-NQ/TW, 8935/BNV-CTTN&BĐG, and blanks as issued: /KH-KHCN.
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-Za-zĐđ0-9&]+)*"
DOCUMENT_NUMBER = re.compile(rf"^(?:\d+(?:/\d{{4}})?)?/{_CODE}$|^\d+-{_CODE}/{_CODE}$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Finding:
    """One problem in one file: an error stops a build from being trusted, a warning is worth a look."""

    file: str
    severity: str  # "error" | "warning"
    message: str  # Vietnamese, for the admin


@dataclass
class CheckReport:
    """Everything found in a folder, with the number of files looked at."""

    folder: Path
    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    def add(self, file: str, severity: str, message: str) -> None:
        self.findings.append(Finding(file, severity, message))


def is_document_number(number: str) -> bool:
    """True for the forms of a Vietnamese document number (blank numeral allowed, as issued)."""
    return bool(DOCUMENT_NUMBER.match(re.sub(r"\s+", "", number)))


def date_problem(value: str, today: dt.date) -> str:
    """'' when an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) is well-formed and not in the future; else why."""
    match = _ISO.match(value.strip())
    if not match:
        return f"«{value}» không phải ngày dạng YYYY-MM-DD (hoặc YYYY-MM)"
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first_day = dt.date(year, month or 1, day or 1)
    except ValueError:
        return f"«{value}» không phải một ngày có thật"
    if first_day > today:
        return f"«{value}» là ngày trong tương lai"
    return ""


def text_fingerprint(text: str) -> str:
    """Hash of a text's words without case, marks or spacing: the same document saved twice hashes alike."""
    words = re.findall(r"\w+", plain_key(text))
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def check_folder(folder: Path, *, today: dt.date | None = None) -> CheckReport:
    """Check a documents folder: readability, manifest entries, numbers, dates, duplicates, near-empty texts."""
    folder = Path(folder)
    today = today or dt.date.today()
    report = CheckReport(folder)
    try:
        files = list_document_files(folder)
    except DocumentsFolderError as error:
        report.add(FOLDER_KEY, "error", str(error))
        return report
    report.files = len(files)
    try:
        manifest = read_manifest(folder)
    except ManifestError as error:
        report.add(MANIFEST_NAME, "error", f"không dùng được manifest: {error}")
        manifest = {}
    names = [relative_name(path, folder) for path in files]
    name_counts = Counter(name.rsplit("/", 1)[-1] for name in names)
    _check_manifest(manifest, set(names), name_counts, report, today)
    seen: dict[str, str] = {}
    for path, name in zip(files, names):
        entry = manifest_entry(manifest, name, name_counts)
        if manifest and not entry:
            report.add(name, "warning", "không có mục trong manifest: thông tin văn bản sẽ được đọc từ nội dung")
        _check_file(path, name, entry, seen, report)
    return report


def _check_manifest(
    manifest: dict[str, dict], names: set[str], name_counts: Counter, report: CheckReport, today: dt.date
) -> None:
    ids: dict[str, str] = {}
    for name, entry in manifest.items():
        if name not in names:
            if "/" not in name and name_counts[name] > 1:
                report.add(name, "error", f"có {name_counts[name]} tệp tên này trong các thư mục con: "
                                          "hãy ghi cả đường dẫn (ví dụ 2024/" + name + ")")
            elif "/" in name or name_counts[name] == 0:
                report.add(name, "error", "có trong manifest nhưng không có tệp này trong thư mục")
        source_id = str(entry.get("id") or default_source_id(name))
        if source_id in ids:
            report.add(name, "error", f"trùng mã tài liệu «{source_id}» với {ids[source_id]}")
        ids.setdefault(source_id, name)
        number = entry.get("number")
        if isinstance(number, str) and number.strip() and not is_document_number(number):
            report.add(name, "error", f"số hiệu «{number}» không đúng dạng số hiệu văn bản (ví dụ 73/2006/QH11, 680/KH-SKHCN)")
        for key, label in (("issued", "ngày ban hành"), ("effective", "ngày hiệu lực")):
            value = entry.get(key)
            if isinstance(value, str) and value.strip():
                problem = date_problem(value, today)
                if problem:
                    report.add(name, "error", f"{label}: {problem}")


def _check_file(path: Path, name: str, entry: dict, seen: dict[str, str], report: CheckReport) -> None:
    try:
        raw = loaders.read_document(path)
    except UnreadableDocument as error:  # UnsupportedDocument included
        report.add(name, "error", f"không đọc được: {error}")
        return
    except OSError as error:
        report.add(name, "error", f"không mở được tệp: {error.strerror or error}")
        return
    if raw.encoding:
        report.add(name, "warning", f"đọc theo bảng mã {raw.encoding_label}, đã chuyển sang Unicode; nên lưu lại tệp dưới dạng UTF-8")
    text = clean_text(raw, entry)
    if len(text.strip()) < MIN_CLEAN_CHARS:
        report.add(name, "error", f"gần như không có nội dung sau khi làm sạch ({len(text.strip())} ký tự)")
        return
    fingerprint = text_fingerprint(text)
    if fingerprint in seen:
        report.add(name, "error", f"trùng nội dung với {seen[fingerprint]}")
    else:
        seen[fingerprint] = name


def format_report(report: CheckReport) -> str:
    """The report as an admin reads it: per file, errors then warnings, and a summary line."""
    lines: list[str] = [f"Kiểm tra thư mục {report.folder} ({report.files} tệp)"]
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    for file in sorted(by_file):
        lines.append(f"\n{file}")
        for finding in sorted(by_file[file], key=lambda item: item.severity != "error"):
            mark = "LỖI" if finding.severity == "error" else "Cảnh báo"
            lines.append(f"  - {mark}: {finding.message}")
    verdict = "không đạt" if report.errors else "đạt"
    lines.append(f"\nKết quả: {verdict} — {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo.")
    return "\n".join(lines)


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `docs check DIR` to the CLI's subcommands."""
    docs = subparsers.add_parser("docs", help=messages.HELP["docs check group"])
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    check = docs_sub.add_parser("check", help=messages.HELP["docs check"])
    check.add_argument("folder", type=Path, metavar="THƯ_MỤC", help=messages.HELP["docs check folder"])
    check.set_defaults(handler=run)
    return docs


def run(args: argparse.Namespace) -> int:
    """Print the report; 1 when there are errors, 0 otherwise."""
    report = check_folder(args.folder)
    print(format_report(report), file=sys.stdout)
    return 1 if report.errors else 0
