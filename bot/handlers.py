"""Telegram handlers: each parses its update, calls one function of `bot.answers`, and replies.

Who may talk to the bot (allow-list) and which group messages are meant for it are decided here,
because they are about the update; what to answer is decided in `bot.answers`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Awaitable, Callable

from telegram import InputFile, MaybeInaccessibleMessage, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import messages
from bot.answers import Handout, Outgoing, Reply, Services
from bot.uploads import ACCEPTED_SUFFIXES, MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)

TYPING_AFTER_S = 0.5
# Telegram shows a chat action for 5 s (or until the bot's next message in the chat): within that
# time a second "typing…" changes nothing for the user, and in a burst it was half of the event
# loop's work (200 questions from 50 people, each question its own request).
TYPING_SHOWN_S = 5.0

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared `Services`, put in bot_data by `build_application`."""
    return context.bot_data["services"]


async def send(message: MaybeInaccessibleMessage, replies: list[Outgoing], *, quote: bool = False) -> bool:
    """Send `replies` in order into the chat of `message`; with `quote` the first one quotes it.

    True when all arrived. False when Telegram could not be reached even after the retries of
    `bot.delivery` (already logged there); a 400 Bad Request is our bug and is raised.
    """
    try:
        for number, reply in enumerate(replies):
            if isinstance(message, Message):
                await message.reply_text(reply.text, reply_markup=reply.buttons, do_quote=quote and number == 0)
            else:  # a button under a message too old for Telegram to show us
                await message.get_bot().send_message(message.chat.id, reply.text, reply_markup=reply.buttons)
    except BadRequest:
        raise
    except TelegramError as error:
        log.warning("reply to chat %s not delivered: %s: %s", message.chat_id, type(error).__name__, error)
        return False
    return True


async def send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Send the reply to a question and journal whether it arrived."""
    delivered = False
    try:
        delivered = await send(update.effective_message, reply.messages,
                               quote=update.effective_chat.type != ChatType.PRIVATE)
    finally:
        services(context).delivered(reply.question_id, delivered)


def sender_key(update: Update) -> int | None:
    """Whom the rate limit counts an update against: the chat a message was sent on behalf of
    (anonymous group admins, channels: their messages carry no real user), else the user, else the
    chat. User ids are positive and group/channel ids negative, so the keys cannot collide."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat else None


async def within_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Count the update against its sender's rate limit; tell them, and return False, when over."""
    refusal = services(context).admit(sender_key(update))
    if refusal is None:
        return True
    if update.callback_query:
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.inline_query:
        await update.inline_query.answer([], cache_time=0)
    elif update.effective_message:
        await send(update.effective_message, [Outgoing(refusal)])
    return False


async def show_typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"typing…" in the update's chat, unless it was shown there less than TYPING_SHOWN_S ago."""
    chat_data = context.chat_data
    if chat_data is not None:
        now = time.monotonic()
        if chat_data.get("typing_until", 0.0) > now:
            return
        chat_data["typing_until"] = now + TYPING_SHOWN_S
    await show_action(update, ChatAction.TYPING)


async def show_action(update: Update, action: str) -> None:
    """"typing…" while the answer is made: nice to have, never worth failing the answer for."""
    try:
        await update.effective_chat.send_action(action)
    except TelegramError as error:
        log.info("chat action not shown: %s", error)


def admin_only(handler: Handler) -> Handler:
    """Run `handler` for admins; refuse everyone else politely."""
    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not services(context).settings.is_admin(user.id if user else None):
            await update.effective_message.reply_text(messages.ADMIN_ONLY)
            return
        await handler(update, context)
    return guarded


# ---- gate ------------------------------------------------------------------------------------

async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop edits, and updates from chats outside the allow-list (told once they address the bot)."""
    if update.edited_message or update.edited_channel_post:
        # Correcting a typo in a question already answered must not bring a second answer.
        raise ApplicationHandlerStop
    settings = services(context).settings
    chat, user = update.effective_chat, update.effective_user
    # An inline query comes from no chat: the user may ask if their private chat is allowed.
    where = chat.id if chat else (user.id if update.inline_query and user else None)
    if settings.chat_allowed(where) or settings.is_admin(user.id if user else None):
        return
    if update.callback_query:
        await update.callback_query.answer(messages.PRIVATE_BOT, show_alert=True)
    elif update.inline_query:
        await update.inline_query.answer([], cache_time=0)
    elif update.message and (chat.type == ChatType.PRIVATE or _is_command(update.message)
                             or addressed_text(update.message, context.bot.username, context.bot.id) is not None):
        await update.message.reply_text(messages.PRIVATE_BOT)
    raise ApplicationHandlerStop


# ---- information -----------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the welcome with example questions."""
    chat, user = update.effective_chat, update.effective_user
    await send(update.effective_message, services(context).welcome(
        user_id=user.id if user else None, chat_id=chat.id if chat else None))


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help, /huongdan."""
    await update.effective_message.reply_text(messages.HELP)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nguon: the documents in the knowledge base."""
    await send(update.effective_message, services(context).sources_list())


def command_argument(message: Message) -> str:
    """The text after the command ('/hoi@botname câu hỏi' too), line breaks kept."""
    return re.sub(r"^/\S*\s*", "", message.text or "")


async def handout(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tailieu <chủ đề>: the trainers' handout on a topic, sent as a Word document, then its slides."""
    message = update.effective_message
    topic = command_argument(message)
    if not topic.strip():
        await message.reply_text(messages.HANDOUT_USAGE)
        return
    if not await within_limit(update, context):
        return
    await show_action(update, ChatAction.UPLOAD_DOCUMENT)
    chat, user = update.effective_chat, update.effective_user
    outcome = await services(context).handout(topic, user_id=user.id if user else None,
                                              chat_id=chat.id, chat_type=chat.type)
    if isinstance(outcome, Handout):
        await message.reply_document(InputFile(outcome.data, filename=outcome.file_name), caption=outcome.caption)
        if outcome.slides:
            await message.reply_document(InputFile(outcome.slides, filename=outcome.slides_name),
                                         caption=messages.HANDOUT_SLIDES_CAPTION)
    else:
        await send(message, [outcome])


# ---- questions -------------------------------------------------------------------------------

async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hoi <câu hỏi>: an explicit question, the way to ask in groups."""
    message = update.effective_message
    question = command_argument(message)
    if not question.strip():
        await message.reply_text(messages.ASK_USAGE)
        return
    await _answer(update, context, question)


async def took_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A reply to the bot's "what was missing?" after a 👎: stored, thanked; True when it was one."""
    message = update.effective_message
    replied = message.reply_to_message
    if message.text is None or replied is None or replied.from_user is None \
            or replied.from_user.id != context.bot.id:
        return False
    user = update.effective_user
    thanks = services(context).feedback_comment(message.text, replied.text or "", user.id if user else None)
    if thanks is None:
        return False
    await send(message, [Outgoing(thanks)])
    return True


async def private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message in a private chat: text is a question; anything else gets a polite note."""
    message = update.effective_message
    if await took_feedback(update, context):
        return
    if message.text is None:
        await message.reply_text(messages.NOT_TEXT)
        return
    await _answer(update, context, message.text)


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message: answered only when it mentions or replies to the bot."""
    message = update.effective_message
    if await took_feedback(update, context):
        return
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is None:
        return
    if message.text is None:
        await message.reply_text(messages.NOT_TEXT, do_quote=True)
        return
    await _answer(update, context, question)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    if not await within_limit(update, context):
        return
    chat, user = update.effective_chat, update.effective_user
    answering = asyncio.ensure_future(services(context).ask(
        question, user_id=user.id if user else None, chat_id=chat.id, chat_type=chat.type))
    # "typing…" only when the answer is slow to come: most take a few tens of milliseconds, and
    # under load each chat action is one more request to Telegram.
    done, _ = await asyncio.wait({answering}, timeout=TYPING_AFTER_S)
    if not done:
        await show_typing(update, context)
    await send_answer(update, context, await answering)


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message meant for the bot (mention removed), or None when the
    message neither mentions the bot nor replies to one of its messages."""
    text = message.text if message.text is not None else (message.caption or "")
    mention = f"@{bot_username}".lower()
    entities = message.parse_entities() if message.text is not None else message.parse_caption_entities()
    mentioned = any(
        (entity.type == MessageEntity.MENTION and value.lower() == mention)
        or (entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id)
        for entity, value in entities.items())
    replied = message.reply_to_message is not None and message.reply_to_message.from_user is not None \
        and message.reply_to_message.from_user.id == bot_id
    if not (mentioned or replied):
        return None
    return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()


def _is_command(message: Message) -> bool:
    return bool(message.entities) and message.entities[0].type == MessageEntity.BOT_COMMAND \
        and message.entities[0].offset == 0


# ---- buttons ---------------------------------------------------------------------------------

async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on "Xem thêm", "Toàn văn …", 👍/👎 or an example question."""
    query = update.callback_query
    if not await within_limit(update, context):
        return
    chat, user = update.effective_chat, update.effective_user
    outcome = await services(context).press(query.data or "", user_id=user.id if user else None,
                                            chat_id=chat.id if chat else None,
                                            chat_type=chat.type if chat else "")
    await query.answer(outcome.toast or None)
    if outcome.new_buttons is not None:
        await query.edit_message_reply_markup(outcome.new_buttons)
    if outcome.later is not None and query.message is not None:
        chat_id, later = query.message.chat.id, outcome.later

        async def report_when_done() -> None:
            for reply in await later():
                await context.bot.send_message(chat_id, reply.text, reply_markup=reply.buttons)

        context.application.create_task(report_when_done(), update=update)
    if outcome.messages and query.message is not None:
        delivered = False
        try:
            delivered = await send(query.message, outcome.messages)
        finally:
            services(context).delivered(outcome.question_id, delivered)


# ---- inline mode -----------------------------------------------------------------------------

async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot câu hỏi` typed in any chat: the top passages, with their citations, to pick from."""
    query = update.inline_query
    if len(" ".join(query.query.split())) < 4:
        await query.answer([], cache_time=0)
        return
    if not await within_limit(update, context):
        return
    results = await services(context).inline(query.query)
    await query.answer(results, cache_time=60, is_personal=False)


# ---- documents sent by admins ----------------------------------------------------------------

async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file in a private chat: an admin's is checked and offered for adding; anyone else's is
    not read at all."""
    message, user = update.effective_message, update.effective_user
    svc = services(context)
    if not svc.settings.is_admin(user.id if user else None):
        await message.reply_text(messages.NOT_TEXT)
        return
    sent = message.document
    name = sent.file_name or "tai-lieu"
    if not name.lower().endswith(ACCEPTED_SUFFIXES) or (sent.file_size or 0) > MAX_UPLOAD_BYTES:
        # Refused before downloading anything.
        await send(message, svc.refuse_upload(name, sent.file_size or 0))
        return
    await show_action(update, ChatAction.TYPING)
    data = bytes(await (await sent.get_file()).download_as_bytearray())
    replies = await svc.receive_document(name, data, message.caption or "", user_id=user.id,
                                         chat_id=update.effective_chat.id)
    await send(message, replies)


# ---- admins ----------------------------------------------------------------------------------

@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/thongke: usage figures for admins."""
    await send(update.effective_message, services(context).stats(command_argument(update.effective_message)))


@admin_only
async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex: rebuild the index in the background; report when the new one serves."""
    svc, chat_id = services(context), update.effective_chat.id
    refusal = svc.reindex_refusal()
    if refusal:
        await send(update.effective_message, refusal)
        return
    await update.effective_message.reply_text(messages.REINDEX_STARTED)

    async def rebuild_and_report() -> None:
        for reply in await svc.reindex():
            await context.bot.send_message(chat_id, reply.text, reply_markup=reply.buttons)

    # A task, not an await: the rebuild takes tens of seconds and this update's slot among the
    # concurrent ones should not be held meanwhile; questions are answered from the old index.
    context.application.create_task(rebuild_and_report(), update=update)


# ---- errors ----------------------------------------------------------------------------------

async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the user something went wrong, never with a traceback."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, messages.SOMETHING_WENT_WRONG)
        except TelegramError:
            log.warning("could not tell the user about the error either")
