"""Pure text work for replies: escaping, bolding given spans, splitting to Telegram's limit.

Which sentences to bold and how much of a passage to show is `bot.reading`'s business.

Nothing here talks to Telegram or to the index; it turns passages and strings into HTML chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape as _escape

TELEGRAM_LIMIT = 4096


def escape(text: str) -> str:
    """Escape user or document text for Telegram HTML (only <, > and & are special there)."""
    return _escape(text, quote=False)


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escape `text` and wrap the given spans in <b>…</b>."""
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        out.append(escape(text[position:start]))
        out.append(f"<b>{escape(text[start:end])}</b>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


# ---- splitting -----------------------------------------------------------------------------

# Tags and entities are atoms; breaks are paragraph ("\n\n"), line ("\n") or space.
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n[ \t]*\n\s*|\n|[ \t]+|[^<&\s]+|.", re.S)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")
_BREAK_RANK = {"para": 3, "line": 2, "space": 1}


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), so emoji count twice."""
    return len(text.encode("utf-16-le")) // 2


def _closers(stack: list[str]) -> str:
    return "".join(f"</{_TAG_NAME.match(tag).group(1)}>" for tag in reversed(stack))


def _break_kind(token: str) -> str | None:
    if token.startswith("\n"):
        return "para" if token.count("\n") >= 2 else "line"
    if token[:1] in (" ", "\t"):
        return "space"
    return None


def _take_chunk(tokens: list[str], limit: int) -> tuple[str, list[str]]:
    """The longest well-formed head of `tokens` within `limit`, and the tokens left over."""
    stack: list[str] = []
    closing: list[int] = []  # the length of each open tag's closer, so it is not re-measured per token
    size = 0
    breaks: list[tuple[int, str, list[str]]] = []  # (token index, kind, open tags there)
    for index, token in enumerate(tokens):
        kind = _break_kind(token)
        if kind:
            breaks.append((index, kind, list(stack)))
        units = _units(token)
        if size + units + sum(closing) > limit:
            return _cut(tokens, index, breaks, stack, limit)
        size += units
        if token.startswith("</"):
            if stack:
                stack.pop()
                closing.pop()
        elif token.startswith("<"):
            stack.append(token)
            closing.append(_units(_closers([token])))
    return "".join(tokens), []


def _cut(tokens: list[str], overflow_at: int, breaks: list[tuple[int, str, list[str]]],
         open_tags: list[str], limit: int) -> tuple[str, list[str]]:
    # Prefer a paragraph break, then a line break, then a space; but not one so early that the
    # chunk would be mostly empty.
    usable = [b for b in breaks if b[0] < overflow_at and b[0] > 0]
    before = [0]  # before[i]: the length of tokens[:i]
    for token in tokens[:overflow_at]:
        before.append(before[-1] + _units(token))
    for kind in ("para", "line", "space"):
        late_enough = [b for b in usable if b[1] == kind and before[b[0]] >= limit // 3]
        if late_enough:
            index, _, stack = late_enough[-1]
            head = "".join(tokens[:index]).rstrip() + _closers(stack)
            return head, stack + tokens[index + 1:]
    if usable:
        index, _, stack = usable[-1]
        head = "".join(tokens[:index]).rstrip() + _closers(stack)
        return head, stack + tokens[index + 1:]
    # One word longer than a whole message: nothing better than cutting it, outside any tag.
    head = "".join(tokens[:overflow_at])
    token = tokens[overflow_at]
    room = limit - _units(head) - _units(_closers(open_tags))
    cut = 0
    while cut < len(token) and _units(token[:cut + 1]) <= room:
        cut += 1
    cut = max(cut, 1)  # always progress, even when the tags alone fill the room
    return (head + token[:cut] + _closers(open_tags),
            open_tags + [token[cut:]] + tokens[overflow_at + 1:])


def split_message(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into chunks of at most `limit`, at paragraph boundaries where possible.

    A chunk never ends inside a tag, an entity or a word; tags open at a cut are closed at the end
    of one chunk and reopened at the start of the next, so every chunk is well-formed.
    """
    text = html.strip()
    if _units(text) <= limit:
        # Nearly every answer fits: one chunk, without reading it token by token.
        return [text] if text else []
    tokens = _TOKEN.findall(text)
    chunks: list[str] = []
    while tokens:
        chunk, tokens = _take_chunk(tokens, limit)
        while tokens and _break_kind(tokens[0]):
            tokens = tokens[1:]
        if chunk.strip():
            chunks.append(chunk.strip())
    return chunks
