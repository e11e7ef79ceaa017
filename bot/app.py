"""Wiring: the python-telegram-bot Application with every handler, in one function."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (Application, CallbackQueryHandler, CommandHandler, Defaults, InlineQueryHandler,
                          MessageHandler, TypeHandler, filters)
from telegram.request import BaseRequest

from bot import handlers, messages
from bot.answers import Services
from bot.callbacks import CallbackSigner
from bot.delivery import RetryingDelivery
from bot.holder import SearcherHolder
from bot.ratelimit import StoredRateLimiter
from bot.settings import Settings
from bot.storage import Storage
from bot.workers import WorkPool

# Updates handled at once beyond the questions in flight: button presses, commands, and the
# "busy" replies themselves must not wait behind searches.
_EXTRA_CONCURRENT_UPDATES = 64

# Connections kept open to the Bot API. httpcore walks every pooled connection (a system call
# for each idle one) each time a request starts or ends, so python-telegram-bot's default of
# 256 cost a third of the event loop in a burst of 200 questions; 16 send ~200 requests a second
# to a nearby API, several times what Telegram accepts from one bot. A request waits up to
# `_POOL_TIMEOUT_S` for a free connection (the default, 1 s, would fail answers in a burst).
_CONNECTIONS = 16
_POOL_TIMEOUT_S = 30.0

# New messages only: an edited message is not asked again.
_NEW = filters.UpdateType.MESSAGE
_NOT_SERVICE = ~filters.StatusUpdate.ALL & ~filters.COMMAND


def build_application(settings: Settings, holder: SearcherHolder, journal: Storage, *,
                      limiter: StoredRateLimiter | None = None, request: BaseRequest | None = None,
                      updater: bool = True, delivery: RetryingDelivery | None = None,
                      check_documents: Callable[[Path], object] | None = None) -> Application:
    """The bot, ready to `run_polling`/`run_webhook` or to be fed updates with `process_update`.

    Updates are handled concurrently; searches run in a worker pool (`bot.workers`) and every
    Bot API call goes through `delivery` (`bot.delivery`: retries on 429, 5xx, dropped
    connections). `request` replaces the HTTP layer (tests); `updater=False` builds it without
    the poller.
    """
    builder = (Application.builder()
               .token(settings.token)
               .defaults(Defaults(parse_mode=ParseMode.HTML,
                                  link_preview_options=LinkPreviewOptions(is_disabled=True)))
               .concurrent_updates(settings.max_in_flight + _EXTRA_CONCURRENT_UPDATES)
               .rate_limiter(delivery or RetryingDelivery())
               .post_init(_announce_commands)
               .post_shutdown(_stop_workers))
    if settings.api_base_url:
        builder = builder.base_url(f"{settings.api_base_url}").base_file_url(
            f"{settings.api_base_url.removesuffix('/bot')}/file/bot")
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.connection_pool_size(_CONNECTIONS).pool_timeout(_POOL_TIMEOUT_S)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["services"] = Services(
        settings=settings, holder=holder, journal=journal,
        limiter=limiter or StoredRateLimiter(journal, settings.rate_limit, settings.rate_window_s),
        signer=CallbackSigner.for_token(settings.token),
        searches=WorkPool("search", settings.search_workers, settings.max_in_flight),
        handouts=WorkPool("handout", 1, 2),
        check_documents=check_documents)

    application.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler(["help", "huongdan"], handlers.help_))
    application.add_handler(CommandHandler("nguon", handlers.sources))
    application.add_handler(CommandHandler("hoi", handlers.ask_command))
    application.add_handler(CommandHandler("tailieu", handlers.handout))
    application.add_handler(CommandHandler("thongke", handlers.stats))
    application.add_handler(CommandHandler("reindex", handlers.reindex))
    application.add_handler(MessageHandler(_NEW & filters.ChatType.PRIVATE & filters.Document.ALL,
                                           handlers.document))
    application.add_handler(MessageHandler(_NEW & filters.ChatType.PRIVATE & _NOT_SERVICE,
                                           handlers.private_message))
    application.add_handler(MessageHandler(_NEW & filters.ChatType.GROUPS & _NOT_SERVICE,
                                           handlers.group_message))
    application.add_handler(MessageHandler(_NEW & filters.ChatType.PRIVATE & filters.COMMAND, handlers.help_))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_error_handler(handlers.on_error)
    return application


async def _announce_commands(application: Application) -> None:
    """Show the commands in Telegram's menu (admin commands stay out of it)."""
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in messages.COMMANDS])


async def _stop_workers(application: Application) -> None:
    services: Services = application.bot_data["services"]
    services.searches.shutdown()
    services.handouts.shutdown()
