"""An answer from an amended, historical or unchecked document carries a note; one in force does not."""

from bot import messages
from bot.answers import passage_block, reader_note
from knowledge.types import Passage, Source


def test_the_manifest_note_wins_then_the_status_speaks():
    assert reader_note(Source(id="a", title="A", status="amended", note="Đã chuyển cho Bộ Nội vụ.")) == "Đã chuyển cho Bộ Nội vụ."
    assert reader_note(Source(id="a", title="A", status="historical")) == messages.STATUS_NOTES["historical"]
    assert reader_note(Source(id="a", title="A", status="check")) == messages.STATUS_NOTES["check"]
    assert reader_note(Source(id="a", title="A", status="in-force")) == ""
    assert reader_note(Source(id="a", title="A")) == ""  # unknown status: nothing invented


def test_a_historical_plan_passage_shows_its_note():
    source = Source(id="kh", title="Kế hoạch năm 2020", doc_type="plan", status="historical")
    passage = Passage(id="kh#1", source_id="kh", ordinal=0, text="1. Tuyên truyền về bình đẳng giới.",
                      citation="Kế hoạch (Sở X, 2020), mục II, điểm 1")
    block = passage_block(passage, source, "", full=True)
    assert "giai đoạn đã kết thúc" in block and "mục II, điểm 1" in block
