"""Clean text → structured passages, split where the document itself is divided.

Laws and decrees divide into Chương → Điều → khoản → điểm; plans and news into I./II.,
1./2., 1.1., a)/b). The text is read into that tree, then packed into passages of a
readable size: a whole Điều (or section) when it fits, else its khoản (or sub-sections),
neighbours merged while small, each prefixed with the headings above it so a passage
never stands without its Điều. Every line of a passage is a line of the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_CHARS = 1300  # a node up to this size stays one passage
TARGET_CHARS = 1000  # small neighbours are merged up to this size
MIN_CHARS = 300  # below this a passage looks for a neighbour to join
PREFIX_LEAD_IN_CHARS = 320  # an Điều's lead-in sentence repeats before each khoản up to this size

_MARKERS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 0, re.compile(r"^Phần\s+(?P<label>thứ\s+\S+|[IVXLC]+|\d+)\b", re.IGNORECASE)),
    ("chapter", 1, re.compile(r"^Chương\s+(?P<label>[IVXLC]+|\d+)\b")),
    ("legal_section", 2, re.compile(r"^Mục\s+(?P<label>\d+)\b")),
    ("article", 3, re.compile(r"^Điều\s+(?P<label>\d+[a-z]?)\s*[.:]")),
    ("roman", 3, re.compile(r"^(?P<label>[IVX]{1,5})\.\s+\S")),
    ("num2", 5, re.compile(r"^(?P<label>\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\.?\s+\S")),
    ("num", 4, re.compile(r"^(?P<label>\d{1,2})\.\s+\S")),
    ("letter", 6, re.compile(r"^(?P<label>[a-zđ])\)\s+\S")),
]
_STRUCTURE_KINDS = {"part", "chapter", "legal_section"}  # grouping only, never quoted as a prefix
_END_OF_BODY = re.compile(r"^(Nơi nhận|Nơi gửi)\s*:", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.:;!?…\"”»)]$")
_SENTENCE_BREAK = re.compile(r"(?<=[.;!?…])\s+(?=[\"“(\-–A-ZĐÀ-Ỹ0-9])")


@dataclass
class _Node:
    kind: str
    label: str
    head: str | None
    rank: int
    items: list["str | _Node"] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [self.head] if self.head else []
        for item in self.items:
            out.extend([item] if isinstance(item, str) else item.lines())
        return out


@dataclass(frozen=True)
class Piece:
    """One passage before it gets its source: verbatim lines, where it stands, its section."""

    text: str
    location: str
    section: str


def _marker(line: str) -> tuple[str, str, int] | None:
    for kind, rank, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            return kind, match.group("label"), rank
    return None


def repair_broken_lines(text: str) -> list[str]:
    """Non-empty lines, with a paragraph cut mid-sentence (by a page break) joined again."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if _END_OF_BODY.match(line):
            break  # the distribution list and signature are not policy text
        starts_lower = line[0].islower() and _marker(line) is None
        if lines and starts_lower and not _SENTENCE_END.search(lines[-1]):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _parse(lines: list[str]) -> _Node:
    root = _Node("root", "", None, -1)
    stack = [root]
    for line in lines:
        marker = _marker(line)
        if marker is None:
            stack[-1].items.append(line)
            continue
        kind, label, rank = marker
        while stack[-1].rank >= rank:
            stack.pop()
        node = _Node(kind, label, line, rank)
        stack[-1].items.append(node)
        stack.append(node)
    return root


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _label(path: list[_Node]) -> str:
    legal = [node for node in path if node.kind == "article"]
    if legal:
        words = {"article": "Điều", "num": "khoản", "num2": "khoản", "letter": "điểm"}
        parts = []
        for node in path[path.index(legal[0]) :]:
            parts.append(f"{words.get(node.kind, '')} {node.label}".strip())
        return " ".join(parts)
    labels = [node.label for node in path if node.kind not in _STRUCTURE_KINDS and node.kind != "root"]
    return f"mục {'.'.join(labels)}" if labels else ""


def _merge_label(first: str, last: str) -> str:
    if first == last:
        return first
    head_first, _, tail_first = first.rpartition(" ")
    head_last, _, tail_last = last.rpartition(" ")
    if head_first == head_last and head_first:
        if "." in tail_first and tail_first.rsplit(".", 1)[0] == tail_last.rsplit(".", 1)[0]:
            return f"{first}–{tail_last.rsplit('.', 1)[1]}"
        return f"{first}–{tail_last}"
    return f"{first} – {last}"


def _sentences(paragraph: str) -> list[str]:
    return [part for part in _SENTENCE_BREAK.split(paragraph) if part]


def _chunk_lines(lines: list[str], budget: int) -> list[list[str]]:
    """Greedy groups of lines up to `budget` characters; a longer line is cut at sentences."""
    units: list[str] = []
    for line in lines:
        if len(line) <= MAX_CHARS:
            units.append(line)
            continue
        sentence_group = ""
        for sentence in _sentences(line):
            if sentence_group and len(sentence_group) + len(sentence) + 1 > budget:
                units.append(sentence_group)
                sentence_group = sentence
            else:
                sentence_group = f"{sentence_group} {sentence}".strip()
        if sentence_group:
            units.append(sentence_group)
    groups: list[list[str]] = []
    for unit in units:
        if groups and _size(groups[-1]) + len(unit) + 1 <= budget:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


@dataclass
class _Draft:
    prefix: list[str]
    body: list[str]
    location: str
    section: str
    last_location: str = ""  # set when neighbours were merged: the draft spans location..last

    @property
    def span(self) -> str:
        return _merge_label(self.location, self.last_location or self.location)

    def size(self) -> int:
        return _size(self.prefix) + _size(self.body)


def _section_key(path: list[_Node], fallback: str) -> str:
    for node in path:
        if node.kind == "article":
            return f"Điều {node.label}"
    for node in path:
        if node.kind not in _STRUCTURE_KINDS and node.kind != "root":
            return f"mục {node.label}"
    return fallback


def _pack(node: _Node, path: list[_Node], prefix: list[str], fallback_section: str) -> list[_Draft]:
    lines = node.lines()
    location = _label(path)
    section = _section_key(path, fallback_section)
    if node.kind not in _STRUCTURE_KINDS and node.kind != "root" and _size(prefix + lines) <= MAX_CHARS:
        return [_Draft(prefix, lines, location, section)]

    first_child = next((i for i, item in enumerate(node.items) if isinstance(item, _Node)), len(node.items))
    lead_paragraphs = [item for item in node.items[:first_child] if isinstance(item, str)]
    drafts: list[_Draft] = []
    quotable_head = node.head if node.kind not in _STRUCTURE_KINDS and node.head else None
    child_prefix = list(prefix)
    if quotable_head:
        child_prefix.append(quotable_head)

    if lead_paragraphs:
        if _size(lead_paragraphs) <= PREFIX_LEAD_IN_CHARS and first_child < len(node.items):
            child_prefix.extend(lead_paragraphs)  # "Trong Luật này, các từ ngữ … như sau:" goes with each khoản
        else:
            for group in _chunk_lines(lead_paragraphs, TARGET_CHARS):
                drafts.append(_Draft(child_prefix, group, location, section))

    pending: list[str] = []
    for item in node.items[first_child:]:
        if isinstance(item, str):
            pending.append(item)
            continue
        if pending:
            for group in _chunk_lines(pending, TARGET_CHARS):
                drafts.append(_Draft(child_prefix, group, location, section))
            pending = []
        drafts.extend(_pack(item, path + [item], child_prefix, fallback_section))
    if pending:
        for group in _chunk_lines(pending, TARGET_CHARS):
            drafts.append(_Draft(child_prefix, group, location, section))
    return _merge_small(drafts)


def _merge_small(drafts: list[_Draft]) -> list[_Draft]:
    """Join neighbours of one section and prefix while either is small and both fit together."""
    merged: list[_Draft] = []
    for draft in drafts:
        if merged:
            last = merged[-1]
            together = last.size() + _size(draft.body)
            same_frame = last.prefix == draft.prefix and last.section == draft.section
            small = last.size() < MIN_CHARS or draft.size() < MIN_CHARS or together <= TARGET_CHARS
            if same_frame and small and together <= MAX_CHARS:
                merged[-1] = _Draft(
                    last.prefix,
                    last.body + draft.body,
                    last.location,
                    last.section,
                    draft.last_location or draft.location,
                )
                continue
        merged.append(draft)
    return merged


HEADING_MAX_CHARS = 160


def heading_lines(passage_text: str) -> list[str]:
    """The lines of a passage that are headings: 'Điều 5. Giải thích từ ngữ', 'II. NỘI DUNG',
    '2. Mục tiêu cụ thể' (a marker and a short title, not a numbered sentence)."""
    headings = []
    for line in passage_text.splitlines():
        marker = _marker(line)
        if marker is None or len(line) > HEADING_MAX_CHARS:
            continue
        if marker[0] in ("article", "chapter", "legal_section", "part") or not line.rstrip().endswith((".", ";")):
            headings.append(line)
    return headings


def split_text(text: str) -> list[Piece]:
    """Split a cleaned document into passages that follow its own structure."""
    lines = repair_broken_lines(text)
    root = _parse(lines)
    has_structure = any(isinstance(item, _Node) for item in root.items)
    pieces: list[Piece] = []
    preamble = [item for item in root.items if isinstance(item, str)]
    first_node = next((i for i, item in enumerate(root.items) if isinstance(item, _Node)), len(root.items))
    drafts: list[_Draft] = []
    if not has_structure:
        for group in _chunk_lines(preamble, TARGET_CHARS):
            drafts.append(_Draft([], group, "", "toàn bài"))
    else:
        opening = [item for item in root.items[:first_node] if isinstance(item, str)]
        for group in _chunk_lines(opening, TARGET_CHARS):
            drafts.append(_Draft([], group, "phần mở đầu", "phần mở đầu"))
        rest = _Node("root", "", None, -1, root.items[first_node:])
        drafts.extend(_pack(rest, [], [], "phần kết"))
    drafts = _merge_small(drafts)
    for draft in drafts:
        text_lines = draft.prefix + draft.body
        if _size(draft.body) == 0:
            continue
        pieces.append(Piece("\n".join(text_lines), draft.span, draft.section))
    return _number_paragraph_pieces(pieces)


def _number_paragraph_pieces(pieces: list[Piece]) -> list[Piece]:
    """Unstructured pages get 'đoạn N' locations, counted in passages, so a reader can find them."""
    numbered = []
    counter = 0
    for piece in pieces:
        if piece.section == "toàn bài":
            counter += 1
            numbered.append(Piece(piece.text, f"đoạn {counter}", piece.section))
        else:
            numbered.append(piece)
    return numbered
