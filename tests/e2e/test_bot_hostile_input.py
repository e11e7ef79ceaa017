"""Input meant to get round the bot: senders without a user, HTML in a topic, floods of handouts."""

from __future__ import annotations

from bot import messages
from tg_updates import GROUP_ID, group_chat, message

LAW_CITATION = "Luật Bình đẳng giới 73/2006/QH11"
ANONYMOUS_ADMIN_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


def without_sender(text: str, *, as_anonymous_admin: bool = False) -> dict:
    """A group message sent on behalf of the group: no `from` at all, or Telegram's stand-in bot."""
    update = message(text, chat=group_chat())
    body = update["message"]
    del body["from"]
    if as_anonymous_admin:
        body["from"] = ANONYMOUS_ADMIN_BOT
    body["sender_chat"] = group_chat()
    return update


def test_a_message_without_from_is_rate_limited_on_the_chat_it_speaks_for(run_bot):
    async def scenario(bot):
        for _ in range(3):
            await bot.feed(without_sender("/hoi Bình đẳng giới là gì?"))
        await bot.feed(message("/hoi Bình đẳng giới là gì?", chat=group_chat()))  # a member: own limit

    texts = run_bot(scenario, rate_limit=2).texts()
    assert LAW_CITATION in texts[0] and LAW_CITATION in texts[1]
    assert texts[2].startswith("Anh/chị hỏi nhanh quá")
    assert LAW_CITATION in texts[3]


def test_anonymous_admins_of_different_groups_do_not_share_one_limit(run_bot):
    other_group = {**group_chat(), "id": GROUP_ID - 1}

    async def scenario(bot):
        await bot.feed(without_sender("/hoi Bình đẳng giới là gì?", as_anonymous_admin=True))
        await bot.feed(without_sender("/hoi Bình đẳng giới là gì?", as_anonymous_admin=True))
        elsewhere = message("/hoi Giới tính là gì?", chat=other_group)
        elsewhere["message"]["from"] = ANONYMOUS_ADMIN_BOT
        elsewhere["message"]["sender_chat"] = other_group
        await bot.feed(elsewhere)

    texts = run_bot(scenario, rate_limit=1).texts()
    assert texts[1].startswith("Anh/chị hỏi nhanh quá") and LAW_CITATION in texts[2]


def test_handout_topic_is_escaped_in_the_caption_rate_limited_and_journalled(run_bot):
    async def scenario(bot):
        await bot.feed(message("/tailieu <b>bình đẳng giới</b>"))
        await bot.feed(message("/tailieu bạo lực gia đình"))
        rows = bot.journal.backend.run("SELECT kind, text, answered FROM questions")
        assert rows == [("handout", "<b>bình đẳng giới</b>", 1)]

    bot = run_bot(scenario, rate_limit=1)
    document, _slides = bot.api.sent("sendDocument")  # one handout: its DOCX and its slides
    caption = document.params["caption"]
    assert "&lt;b&gt;bình đẳng giới&lt;/b&gt;" in caption and "<b>" not in caption
    assert bot.texts()[-1].startswith("Anh/chị hỏi nhanh quá")
