"""Clean text → structured passages, split where the document itself is divided.

Laws and decrees divide into Chương → Điều → khoản → điểm; plans and news into I./II.,
1./2., 1.1., a)/b). The text is read into that tree, then packed into passages of a
readable size: a whole Điều (or section) when it fits, else its khoản (or sub-sections),
neighbours merged while small, each prefixed with the headings above it so a passage
never stands without its Điều. Every line of a passage is a line of the source.

Each passage also knows its role in the document (knowledge.roles): the letterhead and the
preamble before the first section, the execution clause of a legal text, the recipients
list ("Nơi nhận") and the signature block after the body. Its location is unique within the
document: the deepest heading it stands under ("mục II, điểm 1.3"), narrowed to the
paragraphs under that heading ("…, đoạn 2–4") when the heading holds several passages. A
news page is located by its paragraphs, counted on the page ("đoạn 4").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from knowledge import doctypes, roles, signature
from knowledge.sentences import split_sentences

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
_SENTENCE_END = re.compile(r"[.:;!?…\"”»)]$")
# The line naming the document's type in its header: "KẾ HOẠCH", "NGHỊ ĐỊNH" (maybe with its title).
_TYPE_LINE = re.compile(r"^(?:" + "|".join(doctypes.HEADER_WORDS) + r")(?:\s.*)?$")

# Locations of the parts outside the numbered body (also their section keys).
LETTERHEAD_LOCATION = "phần tiêu đề"
OPENING_LOCATION = "phần mở đầu"
RECIPIENTS_LOCATION = "nơi nhận"
SIGNATURE_LOCATION = "phần chữ ký"
WHOLE_PAGE = "toàn bài"
CLOSING_SECTION = "phần kết"
# How a plan's levels are named in its citations: "mục II, điểm 1.3, tiết a".
_PLAN_LEVEL_WORDS = {"roman": "mục", "num": "điểm", "num2": "điểm", "letter": "tiết"}


class _Line(str):
    """A line of the document that remembers its position (paragraph number) in the text."""

    at: int

    def __new__(cls, text: str, at: int) -> "_Line":
        line = super().__new__(cls, text)
        line.at = at
        return line


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
    """One passage before it gets its source: verbatim lines, where it stands, its section, its role."""

    text: str
    location: str
    section: str
    role: str = roles.BODY


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
    nodes = [node for node in path if node.kind not in _STRUCTURE_KINDS and node.kind != "root"]
    if not nodes:
        return ""
    parts = [f"mục {nodes[0].label}"]
    for parent, node in zip(nodes, nodes[1:]):
        part = f"{_PLAN_LEVEL_WORDS.get(node.kind, 'điểm')} {node.label}"
        if node.kind == "num2" and parent.kind == "num" and node.label.startswith(f"{parent.label}.") and len(parts) > 1:
            parts[-1] = part  # "điểm 1.3" already says it is under "điểm 1"
        else:
            parts.append(part)
    return ", ".join(parts)


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


def _chunk_lines(lines: list[str], budget: int) -> list[list[str]]:
    """Greedy groups of lines up to `budget` characters; a longer line is cut at sentences."""
    units: list[str] = []
    for line in lines:
        at = getattr(line, "at", -1)
        if len(line) <= MAX_CHARS:
            units.append(line)
            continue
        sentence_group = ""
        for sentence in split_sentences(line):
            if sentence_group and len(sentence_group) + len(sentence) + 1 > budget:
                units.append(_Line(sentence_group, at))
                sentence_group = sentence
            else:
                sentence_group = f"{sentence_group} {sentence}".strip()
        if sentence_group:
            units.append(_Line(sentence_group, at))
    # Pieces of even size: as many as the budget needs, each filled up to an equal share, so a
    # run of paragraphs never ends in a runt holding one stray line.
    total = _size(units)
    share = total / max(1, -(-total // budget))
    groups: list[list[str]] = []
    for unit in units:
        if groups and _size(groups[-1]) + len(unit) + 1 <= budget and _size(groups[-1]) + (len(unit) + 1) / 2 <= share:
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
    role: str = roles.BODY
    titled: bool = False  # a whole titled group ("18. Về công tác dân vận:" + its points): never merged
    owner: int = -1  # id of the node whose own paragraphs the body lines are (for "đoạn N" within it)
    owner_lines: tuple[int, ...] = ()  # positions of that node's own paragraphs, in order

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


def _article_role(node: _Node) -> str:
    """Execution for 'Điều 4. Hiệu lực thi hành' or an untitled Điều that only puts the text into
    effect (knowledge.roles.role_of reads the words); any other Điều is body."""
    if not node.head:
        return roles.BODY
    whole = not any(isinstance(item, _Node) for item in node.items)
    own = [item for item in node.items if isinstance(item, str)] if whole else []
    role = roles.role_of("\n".join([node.head, *own]), heading=node.head)
    return roles.EXECUTION if role == roles.EXECUTION else roles.BODY


def _is_titled_group(node: _Node) -> bool:
    """A numbered item that is a heading over its own points ('19. Về lĩnh vực bình đẳng giới:')."""
    if node.kind in _STRUCTURE_KINDS or node.kind in ("root", "article") or not node.head:
        return False
    has_children = any(isinstance(item, _Node) for item in node.items)
    return has_children and node.head.rstrip().endswith(":")


def _own_lines(node: _Node) -> tuple[int, ...]:
    return tuple(getattr(item, "at", -1) for item in node.items if isinstance(item, str))


def _pack(node: _Node, path: list[_Node], prefix: list[str], fallback_section: str, role: str) -> list[_Draft]:
    if node.kind == "article":
        role = _article_role(node)
    lines = node.lines()
    location = _label(path)
    section = _section_key(path, fallback_section)
    owner, owner_lines = id(node), _own_lines(node)
    if node.kind not in _STRUCTURE_KINDS and node.kind != "root" and _size(prefix + lines) <= MAX_CHARS:
        return [_Draft(prefix, lines, location, section, role=role, titled=_is_titled_group(node),
                       owner=owner, owner_lines=owner_lines)]

    first_child = next((i for i, item in enumerate(node.items) if isinstance(item, _Node)), len(node.items))
    lead_paragraphs = [item for item in node.items[:first_child] if isinstance(item, str)]
    drafts: list[_Draft] = []
    quotable_head = node.head if node.kind not in _STRUCTURE_KINDS and node.head else None
    child_prefix = list(prefix)
    if quotable_head:
        child_prefix.append(quotable_head)

    def add(group: list[str]) -> None:
        drafts.append(_Draft(child_prefix, group, location, section, role=role, owner=owner, owner_lines=owner_lines))

    if lead_paragraphs:
        if _size(lead_paragraphs) <= PREFIX_LEAD_IN_CHARS and first_child < len(node.items):
            child_prefix.extend(lead_paragraphs)  # "Trong Luật này, các từ ngữ … như sau:" goes with each khoản
        else:
            for group in _chunk_lines(lead_paragraphs, TARGET_CHARS):
                add(group)

    pending: list[str] = []
    for item in node.items[first_child:]:
        if isinstance(item, str):
            pending.append(item)
            continue
        if pending:
            for group in _chunk_lines(pending, TARGET_CHARS):
                add(group)
            pending = []
        drafts.extend(_pack(item, path + [item], child_prefix, fallback_section, role))
    if pending:
        for group in _chunk_lines(pending, TARGET_CHARS):
            add(group)
    return _merge_small(drafts)


def _merge_small(drafts: list[_Draft]) -> list[_Draft]:
    """Join neighbours of one section, prefix and role while either is small and both fit together;
    a titled group ('19. Về lĩnh vực bình đẳng giới:') keeps to itself."""
    merged: list[_Draft] = []
    for draft in drafts:
        if merged:
            last = merged[-1]
            together = last.size() + _size(draft.body)
            same_frame = last.prefix == draft.prefix and last.section == draft.section and last.role == draft.role
            small = last.size() < MIN_CHARS or draft.size() < MIN_CHARS or together <= TARGET_CHARS
            if same_frame and small and together <= MAX_CHARS and not (last.titled or draft.titled):
                merged[-1] = replace(
                    last,
                    body=last.body + draft.body,
                    last_location=draft.last_location or draft.location,
                    owner=last.owner if last.owner == draft.owner else -1,
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


def _opening_drafts(opening: list[str]) -> list[_Draft]:
    """The lines before the first section: letterhead (motto, number, date, type and title),
    then the preamble ('Căn cứ …', 'Thực hiện …', '… ban hành Kế hoạch … như sau:')."""
    head_marks = [i for i, line in enumerate(opening[:12]) if roles.is_letterhead_line(line)]
    type_at = next((i for i, line in enumerate(opening[:15]) if _TYPE_LINE.match(line)), None)
    if type_at is not None:
        head_marks.append(type_at)
    cut = 0
    if head_marks:
        # The title follows the type line ("KẾ HOẠCH" / "Thực hiện công tác …"): never a preamble.
        title_from = type_at + (2 if type_at is not None and _TYPE_LINE.fullmatch(opening[type_at]) else 1) if type_at is not None else 0
        first_preamble = next(
            (i for i, line in enumerate(opening) if i >= title_from and roles.is_preamble_line(line)), None
        )
        if first_preamble is not None and first_preamble > min(head_marks):
            cut = first_preamble
        else:
            cut = _end_of_title(opening, max(head_marks))
    drafts = [
        _Draft([], group, LETTERHEAD_LOCATION, LETTERHEAD_LOCATION, role=roles.LETTERHEAD)
        for group in _chunk_lines(opening[:cut], TARGET_CHARS)
    ]
    rest = opening[cut:]
    role = roles.PREAMBLE if rest and roles.is_preamble_line(rest[0]) else roles.BODY
    owner_lines = tuple(getattr(line, "at", -1) for line in rest)
    drafts += [
        _Draft([], group, OPENING_LOCATION, OPENING_LOCATION, role=role, owner=-2, owner_lines=owner_lines)
        for group in _chunk_lines(rest, TARGET_CHARS)
    ]
    return drafts


def _end_of_title(opening: list[str], last_mark: int) -> int:
    """Without a preamble, the letterhead ends after the type line and its (short) title lines."""
    index = last_mark + 1
    while index < len(opening) and index <= last_mark + 4 and len(opening[index]) <= 300:
        index += 1
        if opening[index - 1].rstrip().endswith((".", ":", ";")):
            break
    return index


def _keep_lead_ins_with_what_follows(drafts: list[_Draft]) -> list[_Draft]:
    """A body that ends with a lead-in ('… như sau:', 'Với 5 nội dung thực hiện Kế hoạch:') gives
    that line to the next passage it introduces; a passage that was only the lead-in disappears."""
    out: list[_Draft] = []
    carried: list[str] = []
    for index, draft in enumerate(drafts):
        if carried:
            draft = replace(draft, body=[line for line in carried if line not in draft.prefix] + draft.body)
            carried = []
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        if following is not None and following.role == draft.role and draft.body and draft.body[-1].rstrip().endswith(":"):
            carried = [draft.body[-1]]
            draft = replace(draft, body=draft.body[:-1])
            if not draft.body or all(line in following.prefix for line in draft.body):
                continue
        out.append(draft)
    return out


def _unique_locations(drafts: list[_Draft], locations: list[str]) -> list[str]:
    """Locations made unique within the document: a heading shared by several passages is narrowed
    to the paragraphs under it ('mục II, điểm 3, đoạn 2–4'), then, if needed, to parts ('phần 2')."""
    counts = Counter(locations)
    out = []
    for draft, location in zip(drafts, locations):
        if counts[location] > 1 and draft.owner != -1 and draft.owner_lines:
            positions = [draft.owner_lines.index(at) + 1 for at in _line_positions(draft.body) if at in draft.owner_lines]
            if positions:
                first, last = min(positions), max(positions)
                paragraphs = f"đoạn {first}" if first == last else f"đoạn {first}–{last}"
                location = f"{location}, {paragraphs}" if location else paragraphs
        out.append(location)
    counts = Counter(out)
    seen: Counter = Counter()
    final = []
    for location in out:
        if counts[location] > 1:
            seen[location] += 1
            location = f"{location} (phần {seen[location]})"
        final.append(location)
    return final


def _line_positions(lines: list[str]) -> list[int]:
    return [line.at for line in lines if isinstance(line, _Line) and line.at >= 0]


def _page_locations(drafts: list[_Draft], first_paragraph: int) -> list[str]:
    """A news page's passages located by the paragraphs of the page they quote ('đoạn 4', 'đoạn 4–6')."""
    locations = []
    for draft in drafts:
        positions = [at - first_paragraph + 1 for at in _line_positions(draft.body) if at >= first_paragraph]
        if not positions:
            positions = [1]
        first, last = min(positions), max(positions)
        locations.append(f"đoạn {first}" if first == last else f"đoạn {first}–{last}")
    return locations


def split_text(text: str, *, news: bool = False, title: str = "") -> list[Piece]:
    """Split a cleaned document into passages that follow its own structure, each with its role.

    `news`: the text is a news page, located by its paragraphs ('đoạn N', counted on the page,
    the headline — a first line equal to `title` — not counted)."""
    raw_lines = repair_broken_lines(text)
    tail = signature.split_tail(raw_lines)
    lines = [_Line(line, at) for at, line in enumerate(tail.body)]
    root = _parse(lines)
    has_structure = any(isinstance(item, _Node) for item in root.items)
    first_node = next((i for i, item in enumerate(root.items) if isinstance(item, _Node)), len(root.items))
    drafts: list[_Draft] = []
    if not has_structure:
        preamble = [item for item in root.items if isinstance(item, str)]
        if news:
            drafts.extend(_Draft([], group, "", WHOLE_PAGE) for group in _chunk_lines(preamble, TARGET_CHARS))
        else:
            drafts.extend(_opening_drafts(preamble))
            drafts = [replace(d, location="", section=WHOLE_PAGE) if d.role == roles.BODY else d for d in drafts]
    else:
        opening = [item for item in root.items[:first_node] if isinstance(item, str)]
        if news:
            drafts.extend(_Draft([], group, OPENING_LOCATION, OPENING_LOCATION) for group in _chunk_lines(opening, TARGET_CHARS))
        else:
            drafts.extend(_opening_drafts(opening))
        rest = _Node("root", "", None, -1, root.items[first_node:])
        drafts.extend(_pack(rest, [], [], CLOSING_SECTION, roles.BODY))
    drafts = _merge_small(drafts)
    drafts = _keep_lead_ins_with_what_follows(drafts)
    drafts = [draft for draft in drafts if _size(draft.body) > 0]
    if news:
        first_paragraph = 1 if lines and title and _same_words(lines[0], title) else 0
        locations = _page_locations(drafts, first_paragraph)
        sections = [WHOLE_PAGE] * len(drafts)
    else:
        locations = [draft.span for draft in drafts]
        sections = [draft.section for draft in drafts]
        locations = _number_unstructured(drafts, locations)
    locations = _unique_locations(drafts, locations)
    pieces = [
        Piece("\n".join(draft.prefix + draft.body), location, section, draft.role)
        for draft, location, section in zip(drafts, locations, sections)
    ]
    for group in _chunk_lines(tail.recipients, TARGET_CHARS):
        pieces.append(Piece("\n".join(group), RECIPIENTS_LOCATION, RECIPIENTS_LOCATION, roles.RECIPIENTS))
    if tail.signature:
        pieces.append(Piece("\n".join(tail.signature), SIGNATURE_LOCATION, SIGNATURE_LOCATION, roles.SIGNATURE))
    return _unique_piece_locations(pieces)


def _same_words(line: str, title: str) -> bool:
    return line.split() == title.split() or line.strip().lower() == title.strip().lower()


def _number_unstructured(drafts: list[_Draft], locations: list[str]) -> list[str]:
    """Unstructured text gets 'đoạn N' locations, counted in paragraphs, so a reader can find them."""
    paragraph_of = {}
    for draft in drafts:
        if draft.section == WHOLE_PAGE:
            for at in _line_positions(draft.body):
                paragraph_of.setdefault(at, len(paragraph_of) + 1)
    out = []
    for draft, location in zip(drafts, locations):
        if draft.section == WHOLE_PAGE:
            numbers = [paragraph_of[at] for at in _line_positions(draft.body)] or [1]
            first, last = min(numbers), max(numbers)
            location = f"đoạn {first}" if first == last else f"đoạn {first}–{last}"
        out.append(location)
    return out


def _unique_piece_locations(pieces: list[Piece]) -> list[Piece]:
    counts = Counter(piece.location for piece in pieces)
    seen: Counter = Counter()
    out = []
    for piece in pieces:
        if counts[piece.location] > 1:
            seen[piece.location] += 1
            piece = replace(piece, location=f"{piece.location} (phần {seen[piece.location]})")
        out.append(piece)
    return out
