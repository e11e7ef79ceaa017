"""A synthetic documents folder of about N passages, made from a seed corpus's words and shapes.

For the benchmark only: a national knowledge base is thousands of documents we do not have,
so one is made from the starter documents. Every sentence is two halves of seed sentences
joined at a word boundary (the seed's vocabulary and phrasing, but texts that differ);
laws and decrees are written as Chương / Điều / khoản / điểm, plans as I. / 1. / a) sections;
document numbers, dates, percentages and year ranges are sprinkled in as real documents have
them. The folder (text files plus manifest.json) goes through the real ingestion and build,
so the passages are cut by the real splitter. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.ingest import ingest_folder, passages_of
from knowledge.types import Source

_MARKER = re.compile(r"^(?:Điều\s+\d+[a-z]?\s*[.:]|[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\))\s+")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=\S)")
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_LETTERS = "abcdđeghiklmn"
_LEGAL_KINDS = (("Nghị định", "NĐ-CP", "Chính phủ", "decree"), ("Luật", "QH", "Quốc hội", "law"),
                ("Thông tư", "TT-BTC", "Bộ Tài chính", "circular"))
_PLAN_CODES = ("KH-UBND", "KH-SKHCN", "KH-SCT", "KH-SYT", "KH-SGDĐT", "KH-BNV")


@dataclass
class Seed:
    """What the synthetic documents are made of: the seed's sentences, headings and issuers."""

    sentences: list[list[str]]  # body sentences as word lists
    headings: list[str]  # short heading lines (Điều titles, section titles)
    issuers: list[str]
    subjects: list[str]  # what the seed titles are about ('thực hiện công tác bình đẳng giới …')


def read_seed(seed_dir: Path) -> Seed:
    """Sentences, headings and issuers of the seed corpus (read through the real ingestion)."""
    corpus = ingest_folder(seed_dir)
    sentences: list[list[str]] = []
    headings: set[str] = set()
    for passage in corpus.passages:
        for line in passage.text.splitlines():
            body = _MARKER.sub("", line.strip())
            if not body:
                continue
            if len(body) < 90 and not body.endswith((".", ";", ":")):
                headings.add(body)
                continue
            for sentence in _SENTENCE.split(body):
                words = sentence.split()
                if len(words) >= 6:
                    sentences.append(words)
    issuers = sorted({d.source.issuer for d in corpus.documents if d.source.issuer})
    subjects = sorted({re.sub(r"^\S+\s+(?:số\s+)?\S*\d\S*\s*", "", d.source.title) for d in corpus.documents})
    return Seed(sentences=sentences, headings=sorted(headings), issuers=issuers, subjects=[s for s in subjects if s])


class Writer:
    """Draws sentences, facts and headings from a seed with one random generator."""

    def __init__(self, seed: Seed, rng: random.Random) -> None:
        self.seed = seed
        self.rng = rng

    def year(self) -> int:
        return self.rng.randint(2005, 2025)

    def date(self) -> str:
        return f"{self.rng.randint(1, 28):02d}/{self.rng.randint(1, 12):02d}/{self.year()}"

    def document_number(self) -> str:
        if self.rng.random() < 0.5:
            return f"{self.rng.randint(1, 300)}/{self.year()}/{self.rng.choice(('NĐ-CP', 'QĐ-TTg', 'TT-BLĐTBXH'))}"
        return f"{self.rng.randint(1, 999)}/{self.rng.choice(_PLAN_CODES)}"

    def fact(self) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            return f"theo {self.rng.choice(('Nghị định số', 'Kế hoạch số', 'Quyết định số'))} {self.document_number()} ngày {self.date()}"
        if roll < 0.6:
            return f"đạt {self.rng.randint(1, 99)}%"
        if roll < 0.8:
            start = self.year()
            return f"giai đoạn {start}-{start + 5}"
        return f"trước ngày {self.date()}"

    def sentence(self) -> str:
        first, second = self.rng.choice(self.seed.sentences), self.rng.choice(self.seed.sentences)
        cut_first = self.rng.randint(2, max(2, len(first) - 1))
        cut_second = self.rng.randint(1, max(1, len(second) - 2))
        words = first[:cut_first] + second[cut_second:]
        text = " ".join(words).rstrip(".;:,")
        if self.rng.random() < 0.2:
            text += " " + self.fact()
        return text[0].upper() + text[1:] + "."

    def paragraph(self, low: int, high: int) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def heading(self) -> str:
        return self.rng.choice(self.seed.headings)


def legal_text(writer: Writer, articles: int) -> list[str]:
    """Blocks of a law or decree: Chương headings, then Điều with khoản and điểm."""
    rng = writer.rng
    blocks: list[str] = []
    for number in range(1, articles + 1):
        lines = []
        if number % 8 == 1:
            lines += [f"Chương {_ROMAN[min(number // 8, len(_ROMAN) - 1)]}", writer.heading().upper()]
        lines.append(f"Điều {number}. {writer.heading()}")
        if rng.random() < 0.3:
            lines.append(writer.paragraph(1, 3))
        else:
            for clause in range(1, rng.randint(2, 5) + 1):
                lines.append(f"{clause}. {writer.paragraph(1, 2)}")
                if rng.random() < 0.25:
                    lines.extend(f"{_LETTERS[point]}) {writer.sentence()}" for point in range(rng.randint(2, 4)))
        blocks.append("\n".join(lines))
    return blocks


def plan_text(writer: Writer, sections: int) -> list[str]:
    """Blocks of a plan: I. / 1. / a) sections with paragraphs."""
    rng = writer.rng
    blocks: list[str] = []
    for number in range(1, sections + 1):
        lines = [f"{_ROMAN[min(number - 1, len(_ROMAN) - 1)]}. {writer.heading().upper()}"]
        for item in range(1, rng.randint(2, 5) + 1):
            lines.append(f"{item}. {writer.heading()}")
            if rng.random() < 0.5:
                lines.append(writer.paragraph(1, 3))
            else:
                lines.extend(f"{_LETTERS[point]}) {writer.paragraph(1, 2)}" for point in range(rng.randint(2, 4)))
        blocks.append("\n".join(lines))
    return blocks


def make_folder(seed_dir: Path, out_dir: Path, passages: int, *, seed: int = 0) -> int:
    """Write about `passages` passages' worth of documents (and manifest.json) into `out_dir`.

    Returns the number of passages the real splitter cuts them into (at most `passages`, and
    short of it by less than one small document)."""
    material = read_seed(seed_dir)
    writer = Writer(material, random.Random(seed))
    rng = writer.rng
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    total = 0
    ordinal = 0
    while total < passages:
        ordinal += 1
        legal = rng.random() < 0.5
        year = writer.year()
        if legal:
            kind, code, issuer, doc_type = rng.choice(_LEGAL_KINDS)
            number = f"{rng.randint(1, 300)}/{year}/{code}{rng.randint(10, 15) if code == 'QH' else ''}"
            blocks = legal_text(writer, rng.randint(10, 60))
            text_kind = "legal-text"
        else:
            kind, doc_type, text_kind = "Kế hoạch", "plan", "document"
            number = f"{rng.randint(1, 999)}/{rng.choice(_PLAN_CODES)}"
            issuer = rng.choice(material.issuers)
            blocks = plan_text(writer, rng.randint(3, 12))
        title = f"{kind} {number} {rng.choice(material.subjects)}"
        source = Source(id=f"syn-{ordinal:05d}", title=title, issuer=issuer, number=number)
        count = len(passages_of(source, "\n\n".join(blocks)))
        while blocks and total + count > passages:  # the last document is cut to fit
            blocks = blocks[: max(1, len(blocks) * (passages - total) // count)] if count > 1 else []
            count = len(passages_of(source, "\n\n".join(blocks))) if blocks else 0
            if len(blocks) == 1 and total + count > passages:
                blocks, count = [], 0
        if not blocks:
            break
        name = f"{source.id}.txt"
        (out_dir / name).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        entries.append({
            "id": source.id, "file": name, "title": title, "issuer": issuer, "number": number,
            "issued": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "doc_type": doc_type,
            "text_kind": text_kind, "status": "in-force",
        })
        total += count
    (out_dir / "manifest.json").write_text(
        json.dumps({"about": "Synthetic benchmark corpus", "sources": entries}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return total
