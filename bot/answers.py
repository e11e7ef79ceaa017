"""The answer composer: a question (or a button press) in, the messages to send out.

Handlers call exactly one function of this module and send what it returns; everything the bot
decides (validation, rate limit, search, journal, layout) happens here, never in a handler.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from telegram import (ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle,
                      InputTextMessageContent)

from bot import formatting, messages, reading, uploads
from bot.callbacks import CallbackSigner
from bot.holder import SearcherHolder
from bot.ratelimit import StoredRateLimiter
from bot.settings import Settings
from bot.storage import QuestionRecord, Storage
from bot.workers import Busy, WorkPool
from index.errors import EmptyQuestion
from index.normalise import strip_diacritics
from index.types import Hit, SearchResult
from knowledge import doctypes, levels
from knowledge.dates import format_date
from knowledge.types import Passage, Source

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_TOPIC_CHARS = 200
MAX_COMMENT_CHARS = 500
MIN_INLINE_CHARS = 4  # shorter inline queries are words still being typed
INLINE_RESULTS = 5
# The number in messages.feedback_prompt, read back from the message a comment replies to.
FEEDBACK_PROMPT = re.compile(r"câu hỏi số (\d+) còn thiếu gì")
PER_PAGE = 3  # the best passage and two more, then "Xem thêm" pages of the same size
SEARCH_K = 9  # enough for two "Xem thêm" pages after the answer
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a letter or a digit in any script


@dataclass(frozen=True)
class Outgoing:
    """One message to send: Telegram HTML within the length limit, and its buttons."""

    text: str
    buttons: InlineKeyboardMarkup | ForceReply | None = None


@dataclass(frozen=True)
class Reply:
    """The messages answering one question, and the journal id of that question (None when the
    reply is not an answer: a usage hint, "busy", a refusal), so its delivery can be recorded."""

    messages: list[Outgoing]
    question_id: int | None = None


@dataclass(frozen=True)
class ButtonReply:
    """What a button press produces: a short toast, new messages, or new buttons for its message;
    and work too long to hold the press for (a rebuild), whose report is sent when done."""

    toast: str = ""
    messages: list[Outgoing] = field(default_factory=list)
    new_buttons: InlineKeyboardMarkup | None = None
    question_id: int | None = None  # set when `messages` answer a journalled question
    later: Callable[[], Awaitable[list[Outgoing]]] | None = None


@dataclass(frozen=True)
class UploadPreview:
    """What the bot read from a document an admin sent, before it is added."""

    source: Source | None
    passages: int
    first_passage: str
    errors: list[str]
    warnings: list[str]


@dataclass(frozen=True)
class Handout:
    """The trainer's documents to send: the handout (DOCX) with its caption, and the slides (PPTX)."""

    file_name: str
    data: bytes
    caption: str
    slides_name: str = ""
    slides: bytes = b""


def _slug(topic: str) -> str:
    """'Bạo lực trên cơ sở giới' → 'bao-luc-tren-co-so-gioi', for a file name any system accepts."""
    bare = re.sub(r"[^a-z0-9]+", "-", strip_diacritics(topic).lower()).strip("-")
    return bare[:60] or "chu-de"


def as_messages(html: str, buttons: InlineKeyboardMarkup | None = None) -> list[Outgoing]:
    """`html` split to Telegram's limit; the buttons go under the last part."""
    chunks = formatting.split_message(html)
    return [Outgoing(chunk, buttons if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]


@dataclass
class Services:
    """What the bot's answers are made from, built once by `build_application` and shared."""

    settings: Settings
    holder: SearcherHolder
    journal: Storage
    limiter: StoredRateLimiter
    signer: CallbackSigner  # every button payload is signed for the user and chat it is sent to
    searches: WorkPool  # every search runs here, never on the event loop
    handouts: WorkPool  # /tailieu and uploaded documents: seconds of work each, so a pool of their own
    # scripts.docs_check.check_folder, handed in at the edge (bot may not import scripts): checks an
    # uploaded document as `binhdang docs check` would. None: only reading and splitting are checked.
    check_documents: Callable[[Path], object] | None = None

    # ---- the door ------------------------------------------------------------------------

    def admit(self, sender: int | None) -> str | None:
        """Count one request from `sender` (see `handlers.sender_key`); the refusal to show
        when it is over the rate limit, None when it may go on."""
        if sender is None or self.limiter.allow(sender):
            return None
        return messages.RATE_LIMITED.format(seconds=self.limiter.retry_after(sender))

    # ---- questions -----------------------------------------------------------------------

    async def ask(self, text: str, *, user_id: int | None, chat_id: int | None,
                  chat_type: str) -> Reply:
        """Answer one question: validate, search (in the worker pool), journal, lay out."""
        question = " ".join(text.split())
        problem = _invalid(question)
        if problem:
            return Reply(as_messages(problem))
        searcher = self.holder.get()
        try:
            result, html, related = await self.searches.run(_search_and_lay_out, searcher, question)
        except Busy:
            log.warning("search pool full (%d in flight): told the user to retry", self.searches.in_flight)
            return Reply(as_messages(messages.BUSY))
        except EmptyQuestion:
            return Reply(as_messages(messages.EMPTY_QUESTION))
        hits = [] if result.abstained else list(result.hits)
        question_id = self.journal.record_question(
            user_id=user_id, chat_id=chat_id, chat_type=chat_type, text=question,
            answered=bool(hits), reason=result.reason, latency_ms=result.latency_ms,
            passage_ids=[hit.passage.id for hit in hits], scores=[hit.score for hit in hits])
        log.info("question %d answered=%s hits=%d latency=%.0fms", question_id, bool(hits),
                 len(hits), result.latency_ms)
        if not hits:
            return Reply(as_messages(messages.NOT_FOUND), question_id)
        buttons = answer_buttons(question_id, hits[0].passage, 0, more=len(hits) > PER_PAGE, feedback=True,
                                 sign=self.signing_for(user_id, chat_id), related=related)
        return Reply(as_messages(html, buttons), question_id)

    def delivered(self, question_id: int | None, delivered: bool) -> None:
        """Record whether the reply to a journalled question reached the user."""
        if question_id is not None:
            self.journal.record_delivery(question_id, delivered)

    def signing_for(self, user_id: int | None, chat_id: int | None) -> Callable[[str], str]:
        """Signs button payloads so that only `user_id`, in `chat_id`, can press them."""
        return functools.partial(self.signer.sign, user_id=user_id, chat_id=chat_id)

    def _page(self, question_id: int, question: str, hits: list[Hit], start: int,
              sign: Callable[[str], str]) -> list[Outgoing]:
        buttons = answer_buttons(question_id, hits[start].passage, start,
                                 more=len(hits) > start + PER_PAGE, feedback=start == 0, sign=sign)
        return as_messages(page_html(question, hits, start), buttons)

    # ---- buttons -------------------------------------------------------------------------

    async def press(self, data: str, *, user_id: int | None, chat_id: int | None,
                    chat_type: str) -> ButtonReply:
        """Act on a button's callback data (see `_page` and `welcome` for the payloads).

        Only data this bot signed for this user in this chat is acted on (`bot.callbacks`)."""
        payload = self.signer.verify(data, user_id=user_id, chat_id=chat_id)
        if payload is None:
            log.info("refused a button press by user %s in chat %s: data not signed for them", user_id, chat_id)
            return ButtonReply(toast=messages.NOT_YOUR_BUTTON)
        sign = self.signing_for(user_id, chat_id)
        kind, _, rest = payload.partition(":")
        if kind in ("a", "c"):
            return self._decide_upload(kind == "a", rest, user_id)
        if kind == "x":
            index = int(rest) if rest.isdigit() else -1
            if not 0 <= index < len(messages.EXAMPLE_QUESTIONS):
                return ButtonReply(toast=messages.STALE_BUTTON)
            reply = await self.ask(messages.EXAMPLE_QUESTIONS[index], user_id=user_id,
                                   chat_id=chat_id, chat_type=chat_type)
            return ButtonReply(messages=reply.messages, question_id=reply.question_id)
        try:
            question_id, argument = (int(part) for part in rest.split(":"))
        except ValueError:
            return ButtonReply(toast=messages.STALE_BUTTON)
        record = self.journal.question(question_id)
        if record is None:
            return ButtonReply(toast=messages.STALE_BUTTON)
        if kind == "v" and argument in (1, -1) and user_id is not None:
            self.journal.record_feedback(question_id, user_id, argument)
            # After a 👎, one optional line on what was missing: the list admins add documents from.
            ask_why = [Outgoing(messages.feedback_prompt(question_id),
                                ForceReply(selective=True, input_field_placeholder=messages.FEEDBACK_PLACEHOLDER))]
            return ButtonReply(toast=messages.THANKS_FEEDBACK,
                               new_buttons=self._voted_buttons(record, argument, sign),
                               messages=ask_why if argument < 0 else [])
        try:
            if kind == "r":
                searcher = self.holder.get()
                related = related_questions(searcher.passage(record.passage_ids[0]), searcher.passages)
                reply = await self.ask(related[argument], user_id=user_id, chat_id=chat_id, chat_type=chat_type)
                return ButtonReply(messages=reply.messages, question_id=reply.question_id)
            if kind == "m":
                return ButtonReply(messages=self._more(record, argument, sign))
            if kind == "f":
                return ButtonReply(messages=self._full_text(record.passage_ids[argument]))
        except (KeyError, IndexError):
            # The index was rebuilt since the answer and the passage is gone or renumbered.
            return ButtonReply(toast=messages.STALE_BUTTON)
        return ButtonReply(toast=messages.STALE_BUTTON)

    def _more(self, record: QuestionRecord, start: int, sign: Callable[[str], str]) -> list[Outgoing]:
        if start >= len(record.passage_ids):
            return as_messages(messages.NO_MORE)
        searcher = self.holder.get()
        hits = []
        for passage_id in record.passage_ids:
            passage = searcher.passage(passage_id)
            hits.append(Hit(passage, searcher.sources[passage.source_id], 0.0))
        return self._page(record.id, record.text, hits, start, sign)

    def _voted_buttons(self, record: QuestionRecord, vote: int,
                       sign: Callable[[str], str]) -> InlineKeyboardMarkup | None:
        """The answer's buttons with the chosen vote marked, so the user sees it was counted."""
        try:
            first = self.holder.get().passage(record.passage_ids[0])
        except (KeyError, IndexError):
            return None
        return answer_buttons(record.id, first, 0, more=len(record.passage_ids) > PER_PAGE,
                              feedback=True, vote=vote, sign=sign,
                              related=related_questions(first, self.holder.get().passages))

    def _full_text(self, passage_id: str) -> list[Outgoing]:
        searcher = self.holder.get()
        anchor = searcher.passage(passage_id)
        section = cited_section(anchor)
        passages = [p for p in searcher.section_passages(passage_id) if in_section(p, section)] or [anchor]
        source = searcher.sources[anchor.source_id]
        blocks = [messages.FULL_TEXT_HEADER.format(label=formatting.escape(section)),
                  formatting.escape(join_section(passages)),
                  messages.citation(section_citation(anchor, section)), *source_notes(source)]
        return as_messages("\n\n".join(blocks))

    # ---- information ---------------------------------------------------------------------

    def welcome(self, *, user_id: int | None, chat_id: int | None) -> list[Outgoing]:
        """The /start text with the example questions as buttons (for this user in this chat)."""
        sources = list(self.holder.get().sources.values())
        newest = max((s.issued for s in sources if s.issued), default="")
        sign = self.signing_for(user_id, chat_id)
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=sign(f"x:{i}"))]
                                        for i, text in enumerate(messages.EXAMPLE_QUESTIONS)])
        return as_messages(messages.welcome(len(sources), format_date(newest)), buttons)

    def sources_list(self) -> list[Outgoing]:
        """/nguon: every document, laws first, newest first within a kind."""
        newest_first = sorted(self.holder.get().sources.values(), key=lambda s: s.issued, reverse=True)
        sources = sorted(newest_first, key=_source_order)  # stable: newest first within a kind
        lines = [messages.SOURCES_HEADER.format(count=len(sources))]
        for number, source in enumerate(sources, 1):
            lines.append(messages.source_line(number, source.title, source.number, source.issuer,
                                              format_date(source.issued), source.excerpt, reader_note(source)))
        return as_messages("\n\n".join(lines))

    async def handout(self, topic: str, *, user_id: int | None, chat_id: int | None,
                      chat_type: str) -> Outgoing | Handout:
        """/tailieu: the trainers' handout on a topic as a DOCX, or a message saying why not.
        Composed in the handout pool; journalled like a question (kind 'handout')."""
        topic = " ".join(topic.split())[:MAX_TOPIC_CHARS]
        if not _HAS_WORD.search(topic):
            return as_messages(messages.HANDOUT_USAGE)[0]
        started = time.perf_counter()
        try:
            outcome = await self.handouts.run(self._compose_handout, topic)
        except Busy:
            return as_messages(messages.HANDOUT_BUSY)[0]
        made = isinstance(outcome, Handout)
        self.journal.record_question(
            user_id=user_id, chat_id=chat_id, chat_type=chat_type, text=topic, kind="handout",
            answered=made, reason="" if made else "nothing found",
            latency_ms=(time.perf_counter() - started) * 1000, passage_ids=[], scores=[])
        return outcome

    def _compose_handout(self, topic: str) -> Outgoing | Handout:
        from brief.compose import NothingFound, compose_brief
        from brief.document import write_brief
        from brief.slides import write_pptx

        try:
            brief = compose_brief(self.holder.get(), topic)
        except NothingFound as error:
            return as_messages(messages.handout_nothing(str(error)))[0]
        with tempfile.TemporaryDirectory() as folder:
            path = write_brief(brief, Path(folder) / "tai-lieu.docx")
            data = path.read_bytes()
            slides_path = Path(folder) / "trinh-chieu.pptx"
            write_pptx(brief, slides_path)
            slides = slides_path.read_bytes()
        return Handout(
            file_name=f"tai-lieu-{_slug(topic)}.docx",
            data=data,
            caption=messages.handout_caption(brief.title, len(brief.sources), len(brief.quiz)),
            slides_name=f"trinh-chieu-{_slug(topic)}.pptx",
            slides=slides,
        )

    def reindex_refusal(self) -> list[Outgoing] | None:
        """Why /reindex cannot start now, or None when it can."""
        if self.settings.docs_dir is None:
            return as_messages(messages.REINDEX_NO_DOCS)
        if self.holder.rebuilding:
            return as_messages(messages.REINDEX_BUSY)
        return None

    # ---- inline mode ----------------------------------------------------------------------

    async def inline(self, text: str) -> list[InlineQueryResultArticle]:
        """`@bot câu hỏi` in any chat: the best passages as results, each to be sent quoted with its
        citation and standing. Not journalled: clients send a query on every pause in typing."""
        question = " ".join(text.split())
        if len(question) < MIN_INLINE_CHARS or _invalid(question):
            return []
        try:
            result = await self.searches.run(self.holder.get().search, question, INLINE_RESULTS)
        except (Busy, EmptyQuestion):
            return []
        if result.abstained:
            return []
        articles = []
        for hit in result.hits:
            spans = reading.answering_spans(hit.passage.text, question)
            shown, moved = reading.window(hit.passage.text, spans)
            lead = hit.passage.text[spans[0][0]:spans[0][1]] if spans else shown
            body = "\n".join([formatting.highlight(shown, moved),
                              messages.citation(hit.passage.citation or hit.source.title), *source_notes(hit.source)])
            articles.append(InlineQueryResultArticle(
                id=hashlib.sha1(hit.passage.id.encode()).hexdigest()[:32],
                title=hit.passage.citation or hit.source.title,
                description=lead[:120],
                input_message_content=InputTextMessageContent(body, parse_mode="HTML")))
        return articles

    # ---- documents sent by admins ----------------------------------------------------------

    async def receive_document(self, file_name: str, data: bytes, caption: str, *,
                               user_id: int | None, chat_id: int | None) -> list[Outgoing]:
        """An admin's file: staged, checked as `docs check` would, and shown with "Thêm"/"Huỷ"."""
        if self.settings.docs_dir is None:
            return as_messages(messages.REINDEX_NO_DOCS)
        try:
            upload = uploads.stage(self.settings.docs_dir, file_name, data, caption)
        except uploads.UploadRefused as refusal:
            return as_messages(messages.upload_refused(str(refusal)))
        try:
            preview = await self.handouts.run(self._read_upload, upload)
        except Busy:
            uploads.discard(upload)
            return as_messages(messages.HANDOUT_BUSY)
        if preview.errors or preview.source is None:
            uploads.discard(upload)
            return as_messages(messages.upload_problems(upload.file_name, preview.errors))
        sign = self.signing_for(user_id, chat_id)
        buttons = InlineKeyboardMarkup([[
            InlineKeyboardButton(messages.BUTTON_ADD, callback_data=sign(f"a:{upload.ticket}")),
            InlineKeyboardButton(messages.BUTTON_CANCEL, callback_data=sign(f"c:{upload.ticket}"))]])
        source = preview.source
        return as_messages(messages.upload_preview(
            upload.file_name, source.title, doctypes.name_of(source.doc_type),
            source.number, source.issuer, format_date(source.issued), preview.passages,
            preview.first_passage, preview.warnings), buttons)

    def refuse_upload(self, file_name: str, size: int) -> list[Outgoing]:
        """Why a file's type or size is refused, before it is downloaded."""
        try:
            uploads.stage_check(file_name, size)
        except uploads.UploadRefused as refusal:
            return as_messages(messages.upload_refused(str(refusal)))
        return []

    def _read_upload(self, upload: uploads.Staged) -> UploadPreview:
        from knowledge.errors import UnreadableDocument
        from knowledge.ingest import ingest_file

        errors: list[str] = []
        warnings: list[str] = []
        if self.check_documents is not None:
            report = self.check_documents(upload.folder)
            errors += [finding.message for finding in report.errors]
            warnings += [finding.message for finding in report.warnings]
        try:
            document = ingest_file(upload.path, upload.entry)
        except (UnreadableDocument, OSError, ValueError) as error:
            return UploadPreview(None, 0, "", errors or [str(error)], warnings)
        source = document.source
        for known in self.holder.get().sources.values():
            if (source.number and known.number == source.number) or \
                    (source.content_hash and known.content_hash == source.content_hash):
                errors.append(messages.upload_duplicate(known.title, known.number))
                break
        return UploadPreview(source, len(document.passages), document.passages[0].text, errors, warnings)

    def _decide_upload(self, add: bool, ticket: str, user_id: int | None) -> ButtonReply:
        if not self.settings.is_admin(user_id) or self.settings.docs_dir is None:
            return ButtonReply(toast=messages.ADMIN_ONLY)
        upload = uploads.staged(self.settings.docs_dir, ticket)
        if upload is None:
            return ButtonReply(toast=messages.UPLOAD_GONE)
        if not add:
            uploads.discard(upload)
            return ButtonReply(toast=messages.UPLOAD_CANCELLED, new_buttons=InlineKeyboardMarkup([]))
        if self.holder.rebuilding:
            return ButtonReply(toast=messages.REINDEX_BUSY)
        name = uploads.add_to_folder(upload, self.settings.docs_dir)
        log.info("admin %s added %s to %s", user_id, name, self.settings.docs_dir)
        return ButtonReply(toast=messages.UPLOAD_ADDING, new_buttons=InlineKeyboardMarkup([]),
                           messages=as_messages(messages.upload_added(name)), later=self.reindex)

    async def reindex(self) -> list[Outgoing]:
        """Rebuild from the documents folder and swap the new index in; the report for the admin."""
        try:
            outcome = await self.holder.rebuild(self.settings.docs_dir, self.settings.index_dir,
                                                max_document_bytes=self.settings.max_document_bytes)
        except Exception as error:  # any failure is reported to the admin; the old index serves on
            log.exception("rebuild failed")
            return as_messages(messages.reindex_failed(f"{type(error).__name__}: {error}"))
        if outcome.build_id:
            # Every other worker sharing the storage swaps to it at its next update.
            self.journal.publish_build(outcome.build_id, by="/reindex")
        return as_messages(messages.reindex_done(outcome.documents, outcome.passages, outcome.seconds,
                                                 skipped=outcome.skipped, encodings=outcome.encodings,
                                                 warnings=outcome.warnings))

    def stats(self, argument: str = "") -> list[Outgoing]:
        """/thongke [days] for admins: usage, and the questions declined or voted down most."""
        days = int(argument) if argument.strip().isdigit() else 7 if not argument.strip() else 0
        if not 1 <= days <= 365:
            return as_messages(messages.STATS_USAGE)
        s = self.journal.stats()
        problems = self.journal.problem_questions(days)
        return as_messages(messages.stats(s.today, s.week, s.declined_share, s.up, s.down, problems, days))

    def feedback_comment(self, text: str, prompt: str, user_id: int | None) -> str | None:
        """A reply to the "what was missing?" prompt: stored with the 👎 of its question; the thanks
        to send, or None when `prompt` is not such a prompt (then the text is a question)."""
        match = FEEDBACK_PROMPT.search(prompt)
        if match is None or user_id is None:
            return None
        comment = " ".join(text.split())[:MAX_COMMENT_CHARS]
        if comment and self.journal.record_feedback_comment(int(match.group(1)), user_id, comment):
            return messages.THANKS_COMMENT
        return None


# ---- layout helpers (pure) -------------------------------------------------------------------

def _search_and_lay_out(searcher, question: str) -> tuple[SearchResult, str, list[str]]:
    """The search, the answer's text and its related questions: CPU work, done together in a
    search thread."""
    result = searcher.search(question, SEARCH_K)
    if result.abstained or not result.hits:
        return result, "", []
    return result, page_html(question, list(result.hits), 0), related_questions(result.hits[0].passage, searcher.passages)


_ARTICLE_TITLE = re.compile(r"^Điều\s+\d+\w*\.\s*(?P<title>\S.{6,88}?)\.?$")
_PART_TITLE = re.compile(r"^\d{1,2}\.\s+(?P<title>\S.{6,68}?)\.?$")  # a lead-in ending in ':' is no heading
MIN_HEADING_WORDS = 3  # "Yêu cầu", "Mục đích" alone make no question
MAX_RELATED = 3


def heading_question(passage: Passage) -> str | None:
    """The question a passage's heading answers: 'Điều 6. Các nguyên tắc cơ bản về bình đẳng giới'
    → 'Các nguyên tắc cơ bản về bình đẳng giới?'; a plan's numbered part ('2. Tháng hành động') the
    same way; None when the passage opens with no such heading."""
    lines = passage.text.split("\n")
    match = _ARTICLE_TITLE.match(lines[0].strip())
    if match is None and len(lines) > 1 and not lines[0].strip().startswith("Điều"):
        match = _PART_TITLE.match(lines[1].strip())
    if match is None or len(match.group("title").split()) < MIN_HEADING_WORDS or match.group("title").endswith(":"):
        return None
    return f"{match.group('title').strip()}?"


def related_questions(anchor: Passage, passages: list[Passage], limit: int = MAX_RELATED) -> list[str]:
    """Up to `limit` questions from the headings of the cited document's other Điều / parts, the
    nearest to the cited one first (a reader's next question is usually in the next article)."""
    own, cited = heading_question(anchor), cited_section(anchor)
    found: dict[str, int] = {}
    for passage in passages:
        if passage.source_id != anchor.source_id or cited_section(passage) == cited:
            continue
        question = heading_question(passage)
        if question and question != own:
            distance = abs(passage.ordinal - anchor.ordinal)
            found[question] = min(distance, found.get(question, distance))
    return sorted(found, key=lambda question: found[question])[:limit]


def page_html(question: str, hits: list[Hit], start: int) -> str:
    """One page of an answer: the passages hits[start:start + PER_PAGE], the first in full on the
    first page, each with its citation and its document's standing."""
    shown = hits[start:start + PER_PAGE]
    blocks = [messages.ANSWER_HEADER if start == 0 else messages.MORE_PASSAGES_HEADER]
    for rank, hit in enumerate(shown):
        full = start == 0 and rank == 0
        if start == 0 and rank == 1:
            blocks.append(messages.MORE_PASSAGES_HEADER)
        blocks.append(passage_block(hit.passage, hit.source, question, full=full))
    return "\n\n".join(blocks)


def passage_block(passage: Passage, source: Source, question: str, *, full: bool) -> str:
    """One quoted passage in HTML: the text (unless `full`, a window around its answer) with the
    sentence that answers in bold, its citation, and what a reader must know of the document's
    standing (status, effective date, currency note)."""
    spans = reading.answering_spans(passage.text, question)
    text, spans = (passage.text, spans) if full else reading.window(passage.text, spans)
    lines = [formatting.highlight(text, spans), messages.citation(passage.citation or source.title)]
    lines += source_notes(source)
    return "\n".join(lines)


def source_notes(source: Source) -> list[str]:
    """The lines under a citation: the document's standing (its status in a reader's words, and
    since when it applies), then the manifest's currency note."""
    lines = []
    standing = messages.standing(source.status, format_date(source.effective))
    if standing:
        lines.append(standing)
    if source.note:
        lines.append(messages.currency_note(source.note))
    return lines


def reader_note(source: Source) -> str:
    """What a reader must know about a document's currency: the manifest's note, else a plain word on
    its status when it is amended, historical or unchecked (nothing for a document in force)."""
    if source.note:
        return source.note
    return "" if levels.is_in_force(source) else messages.STATUS_NOTES.get(source.status, "")


def answer_buttons(question_id: int, first: Passage, start: int, *, more: bool, feedback: bool,
                   sign: Callable[[str], str], vote: int = 0,
                   related: list[str] | None = None) -> InlineKeyboardMarkup:
    """Buttons under an answer page: "Xem thêm", "Toàn văn …" of its first passage, 👍/👎, and
    one row per related question (`related_questions`; pressing one asks it).

    Payloads are "<kind>:<question id>:<number>", passed through `sign` (bot.callbacks) and still
    within Telegram's 64 bytes; the passages themselves are looked up in the journal, so no
    passage id has to fit in a button.
    """
    top = [InlineKeyboardButton(full_text_label(first), callback_data=sign(f"f:{question_id}:{start}"))]
    if more:
        top.insert(0, InlineKeyboardButton(messages.BUTTON_MORE,
                                           callback_data=sign(f"m:{question_id}:{start + PER_PAGE}")))
    rows = [top]
    if feedback:
        up, down = messages.BUTTON_UP, messages.BUTTON_DOWN
        rows.append([
            InlineKeyboardButton(messages.BUTTON_VOTED.format(vote=up) if vote > 0 else up,
                                 callback_data=sign(f"v:{question_id}:1")),
            InlineKeyboardButton(messages.BUTTON_VOTED.format(vote=down) if vote < 0 else down,
                                 callback_data=sign(f"v:{question_id}:-1")),
        ])
    for number, question in enumerate(related or []):
        rows.append([InlineKeyboardButton(messages.related_label(question),
                                          callback_data=sign(f"r:{question_id}:{number}"))])
    return InlineKeyboardMarkup(rows)


# "mục II, điểm 2" of a location "mục II, điểm 2, tiết a–c" or "mục II, điểm 2.1–3": the top
# section and the numbered part of it (knowledge.citation writes locations this way).
_NUMBERED_PART = re.compile(r"^((?:mục|Mục|phần|Phần)\s+[IVXLC\d]+,\s+điểm\s+\d+)(?=$|[.,–\s-])")


def cited_section(passage: Passage) -> str:
    """What "Toàn văn" shows for a passage: its Điều for a law ('Điều 9' of 'Điều 9 khoản 1–5'), the
    numbered part of a plan's section it stands in ('mục II, điểm 2' of 'mục II, điểm 2, tiết a–c':
    not the whole 'mục II', which may run to pages), else its section."""
    match = _NUMBERED_PART.match(passage.location)
    if match:
        return match.group(1)
    return passage.section or passage.location


def in_section(passage: Passage, section: str) -> bool:
    """Whether `passage` stands in `section` ('mục II, điểm 2' holds 'mục II, điểm 2, tiết d' and
    'mục II, điểm 2.1', not 'mục II, điểm 20')."""
    if passage.section == section:
        return True
    return passage.location == section or passage.location.startswith((f"{section}.", f"{section},"))


def full_text_label(passage: Passage) -> str:
    """'Toàn văn Điều 5', 'Toàn văn mục II, điểm 2', or the generic label for a long or odd section key."""
    section = cited_section(passage)
    if section.startswith(("Điều", "mục", "Mục")) and len(section) <= 24:
        return messages.BUTTON_FULL.format(label=section)
    return messages.BUTTON_FULL_GENERIC


def join_section(passages: list[Passage]) -> str:
    """The passages of one Điều/section as one text, each heading line once.

    Each passage carries the chain of headings above it ("II. MỤC TIÊU…", "2. Tháng hành động",
    "d) Các hoạt động chính"); the lines a passage opens with that the previous passage also
    opened with are that shared chain, and are left out."""
    out: list[str] = []
    previous: list[str] = []
    for passage in passages:
        lines = passage.text.split("\n")
        shared = 0
        while shared < min(len(lines), len(previous)) and lines[shared] == previous[shared]:
            shared += 1
        previous = lines
        if lines[shared:]:
            out.append("\n".join(lines[shared:]))
    return "\n".join(out)


def section_citation(passage: Passage, section: str) -> str:
    """The passage's citation with its location widened to `section`."""
    citation = passage.citation
    if passage.location and section and citation.endswith(passage.location):
        return citation[: -len(passage.location)] + section
    return citation


def _invalid(question: str) -> str | None:
    if not question:
        return messages.EMPTY_QUESTION
    if len(question) > MAX_QUESTION_CHARS:
        return messages.TOO_LONG.format(length=len(question), limit=MAX_QUESTION_CHARS)
    if not _HAS_WORD.search(question):
        return messages.EMPTY_QUESTION
    return None


def _source_order(source: Source) -> int:
    return doctypes.listing_rank(source.doc_type)
