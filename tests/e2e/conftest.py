"""End-to-end fixtures: a fake Bot API, one small real index per session, the real Application."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.delivery import RetryingDelivery, RetryPolicy
from bot.holder import SearcherHolder
from bot.settings import Settings
from bot.storage import Storage, open_storage
from fake_bot_api import TOKEN, FakeBotApi
from index.build import build_index
from index.searcher import open_index
from scripts.docs_check import check_folder
from tg_updates import ADMIN_ID

SCENARIO_TIMEOUT_S = 30

MANIFEST = {"sources": [
    {"id": "luat-mau", "file": "luat-mau.txt", "text_kind": "legal-text", "doc_type": "law",
     "title": "Luật Bình đẳng giới", "issuer": "Quốc hội", "number": "73/2006/QH11",
     "issued": "2006-11-29", "effective": "2007-07-01", "status": "in-force"},
    {"id": "kh-mau", "file": "kh-mau.txt", "text_kind": "document", "doc_type": "plan",
     "title": "Kế hoạch <b>tháng hành động</b> & truyền thông", "issuer": "Sở <Thử> & Nghiệm",
     "number": "680/KH-SKHCN", "issued": "2024-05-31",
     "status": "historical", "note": "Kế hoạch năm 2024; kiểm tra kế hoạch năm mới trước khi áp dụng."},
]}

LAW = """Chương I NHỮNG QUY ĐỊNH CHUNG

Điều 5. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Giới chỉ đặc điểm, vị trí, vai trò của nam và nữ trong tất cả các mối quan hệ xã hội.
2. Giới tính chỉ các đặc điểm sinh học của nam, nữ.
3. Bình đẳng giới là việc nam, nữ có vị trí, vai trò ngang nhau, được tạo điều kiện và cơ hội phát huy năng lực của mình cho sự phát triển của cộng đồng, của gia đình và thụ hưởng như nhau về thành quả của sự phát triển đó.

Điều 6. Các nguyên tắc cơ bản về bình đẳng giới
1. Nam, nữ bình đẳng trong các lĩnh vực của đời sống xã hội và gia đình.
2. Nam, nữ không bị phân biệt đối xử về giới.
3. Biện pháp thúc đẩy bình đẳng giới không bị coi là phân biệt đối xử về giới.

Điều 9. Trách nhiệm của cơ quan, tổ chức trong công tác bình đẳng giới
""" + "\n".join(
    f"{n}. Cơ quan, tổ chức cấp {n} có trách nhiệm tổ chức tập huấn, truyền thông, kiểm tra và báo cáo "
    f"định kỳ về kết quả thực hiện bình đẳng giới tại đơn vị số {n}, bảo đảm nguồn lực, kinh phí và "
    f"nhân sự phụ trách công tác bình đẳng giới theo quy định của pháp luật hiện hành."
    for n in range(1, 31)) + "\n"

PLAN = """I. MỤC ĐÍCH
Tổ chức Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới từ ngày 15/11 đến ngày 15/12 hằng năm.
Treo khẩu hiệu <b>không bạo lực</b> & dán áp phích <script>alert("x")</script> tại trụ sở.

II. NỘI DUNG
Tuyên truyền về phòng chống bạo lực gia đình, quấy rối tình dục nơi làm việc cho cán bộ, công chức.
"""


def write_docs(folder: Path) -> Path:
    """The small knowledge base the e2e tests build their index from."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(MANIFEST, ensure_ascii=False), encoding="utf-8")
    (folder / "luat-mau.txt").write_text(LAW, encoding="utf-8")
    (folder / "kh-mau.txt").write_text(PLAN, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def fake_api():
    api = FakeBotApi().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory) -> Path:
    return write_docs(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="session")
def index_dir(docs_dir, tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("index")
    build_index(docs_dir, index)
    return index


@pytest.fixture(scope="session")
def searcher(index_dir):
    return open_index(index_dir)


class BotUnderTest:
    """The real Application, started without a poller; updates go in through `feed`."""

    def __init__(self, api: FakeBotApi, settings: Settings, holder: SearcherHolder, journal: Storage,
                 delivery: RetryingDelivery) -> None:
        self.api, self.settings, self.holder, self.journal = api, settings, holder, journal
        self.errors: list[BaseException] = []
        self.delivery = delivery
        self.app = build_application(settings, holder, journal, updater=False, delivery=delivery,
                                     check_documents=check_folder)

        async def record_error(update: object, context) -> None:
            self.errors.append(context.error)

        self.app.add_error_handler(record_error)

    async def __aenter__(self) -> "BotUnderTest":
        await self.app.initialize()
        await self.app.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.app.stop()
        await self.app.shutdown()

    async def feed(self, update: dict) -> None:
        """Handle one update to the end (one at a time, for scenarios that read replies in order)."""
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def put(self, update: dict) -> None:
        """Queue an update the way the poller does: handled concurrently with the others."""
        await self.app.update_queue.put(Update.de_json(update, self.app.bot))

    def texts(self) -> list[str]:
        return self.api.texts()


Scenario = Callable[[BotUnderTest], Awaitable[None]]


@pytest.fixture
def run_bot(fake_api, searcher, index_dir, docs_dir, tmp_path):
    """Run `scenario(bot)` against a fresh Application, journal and limiter; fail on any handler error."""
    def run(scenario: Scenario, **settings_overrides: object) -> BotUnderTest:
        fake_api.reset()
        holder = settings_overrides.pop("holder", None) or SearcherHolder(searcher)
        # Short backoffs keep fault tests fast; retry_after from the fake API is honoured as given.
        delivery = settings_overrides.pop("delivery", None) or RetryingDelivery(
            RetryPolicy(max_attempts=4, first_backoff_s=0.05, max_backoff_s=0.2))
        values = dict(token=TOKEN, index_dir=index_dir, docs_dir=docs_dir,
                      journal_path=tmp_path / "journal.sqlite3", admin_ids=frozenset({ADMIN_ID}),
                      api_base_url=fake_api.base_url)
        values.update(settings_overrides)
        settings = Settings(**values)
        journal = open_storage(settings.database)
        bot = BotUnderTest(fake_api, settings, holder, journal, delivery)

        async def main() -> None:
            async with bot:
                await scenario(bot)

        try:
            asyncio.run(asyncio.wait_for(main(), SCENARIO_TIMEOUT_S))
        finally:
            journal.close()
        assert not bot.errors, f"handler errors: {bot.errors!r}"
        return bot
    return run
