"""Telegram handlers: each parses its update, calls one function of `bot.answers`, and replies.

Who may talk to the bot (allow-list) and which group messages are meant for it are decided here,
because they are about the update; what to answer is decided in `bot.answers`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable

from telegram import InputFile, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import messages
from bot.answers import Handout, Outgoing, Services

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The shared `Services`, put in bot_data by `build_application`."""
    return context.bot_data["services"]


async def send(message: Message, replies: list[Outgoing], *, quote: bool = False) -> None:
    """Send `replies` in order into the chat of `message`; in groups the first one quotes it."""
    for number, reply in enumerate(replies):
        await message.reply_text(reply.text, reply_markup=reply.buttons, do_quote=quote and number == 0)


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
    """Stop updates from chats outside the allow-list; tell them once they address the bot."""
    settings = services(context).settings
    chat, user = update.effective_chat, update.effective_user
    if settings.chat_allowed(chat.id if chat else None) or settings.is_admin(user.id if user else None):
        return
    if update.callback_query:
        await update.callback_query.answer(messages.PRIVATE_BOT, show_alert=True)
    elif update.message and (chat.type == ChatType.PRIVATE or _is_command(update.message)
                             or addressed_text(update.message, context.bot.username, context.bot.id) is not None):
        await update.message.reply_text(messages.PRIVATE_BOT)
    raise ApplicationHandlerStop


# ---- information -----------------------------------------------------------------------------

async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the welcome with example questions."""
    await send(update.effective_message, services(context).welcome())


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
    """/tailieu <chủ đề>: the trainers' handout on a topic, sent as a Word document."""
    message = update.effective_message
    topic = command_argument(message)
    if not topic.strip():
        await message.reply_text(messages.HANDOUT_USAGE)
        return
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    outcome = await asyncio.to_thread(services(context).handout, topic)
    if isinstance(outcome, Handout):
        await message.reply_document(InputFile(outcome.data, filename=outcome.file_name), caption=outcome.caption)
    else:
        await message.reply_text(outcome.text)


# ---- questions -------------------------------------------------------------------------------

async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hoi <câu hỏi>: an explicit question, the way to ask in groups."""
    message = update.effective_message
    question = command_argument(message)
    if not question.strip():
        await message.reply_text(messages.ASK_USAGE)
        return
    await _answer(update, context, question)


async def private_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message in a private chat: text is a question; anything else gets a polite note."""
    message = update.effective_message
    if message.text is None:
        await message.reply_text(messages.NOT_TEXT)
        return
    await _answer(update, context, message.text)


async def group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message: answered only when it mentions or replies to the bot."""
    message = update.effective_message
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question is None:
        return
    if message.text is None:
        await message.reply_text(messages.NOT_TEXT, do_quote=True)
        return
    await _answer(update, context, question)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    message = update.effective_message
    chat, user = update.effective_chat, update.effective_user
    await chat.send_action(ChatAction.TYPING)
    replies = await services(context).ask(question, user_id=user.id if user else None,
                                          chat_id=chat.id, chat_type=chat.type)
    await send(message, replies, quote=chat.type != ChatType.PRIVATE)


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
    chat, user = update.effective_chat, update.effective_user
    outcome = await services(context).press(query.data or "", user_id=user.id if user else None,
                                            chat_id=chat.id if chat else None,
                                            chat_type=chat.type if chat else "")
    await query.answer(outcome.toast or None)
    if outcome.new_buttons is not None:
        await query.edit_message_reply_markup(outcome.new_buttons)
    if outcome.messages and query.message is not None:
        for reply in outcome.messages:
            await context.bot.send_message(query.message.chat.id, reply.text, reply_markup=reply.buttons)


# ---- admins ----------------------------------------------------------------------------------

@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/thongke: usage figures for admins."""
    await send(update.effective_message, services(context).stats())


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

    # A task, not an await: updates are handled one at a time, and questions must keep being
    # answered from the old index while this runs.
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
