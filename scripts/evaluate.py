"""Scoring retrieval against gold questions, exactly as ../shared/eval/README.md says.

- Both sides normalised: NFC, lower case, runs of white space to one space.
- A passage is a hit when its source is one of the question's sources and what the user is
  shown with it (title, citation, text) contains every answer string.
- hit@k, MRR@10; an out-of-scope question (no sources) is right when the searcher declines.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from scripts import messages


def normalise_for_scoring(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).lower()).strip()


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    sources: tuple[str, ...]
    tags: tuple[str, ...] = ()

    @property
    def in_scope(self) -> bool:
        return bool(self.sources)


def read_gold(path: Path) -> list[GoldQuestion]:
    """Gold questions from a JSON-lines file."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: không phải JSON hợp lệ ({error.msg})") from error
        questions.append(
            GoldQuestion(
                id=str(data.get("id", number)),
                question=data["question"],
                answers=tuple(data.get("answers", [])),
                sources=tuple(data.get("sources", [])),
                tags=tuple(data.get("tags", [])),
            )
        )
    return questions


def is_hit(gold: GoldQuestion, passage: dict) -> bool:
    """Whether one returned passage (the `ask --json` shape) answers a gold question."""
    if passage.get("source_id") not in gold.sources:
        return False
    shown = normalise_for_scoring(" ".join(str(passage.get(key, "")) for key in ("title", "citation", "text")))
    return all(normalise_for_scoring(answer) in shown for answer in gold.answers)


@dataclass
class QuestionOutcome:
    gold: GoldQuestion
    abstained: bool
    first_hit_rank: int | None  # 1-based, within the first 10
    latency_ms: float
    top_citation: str = ""

    @property
    def correct_decline(self) -> bool:
        return not self.gold.in_scope and self.abstained


@dataclass
class EvalReport:
    outcomes: list[QuestionOutcome] = field(default_factory=list)

    def _in_scope(self) -> list[QuestionOutcome]:
        return [o for o in self.outcomes if o.gold.in_scope]

    def hit_at(self, k: int) -> float:
        scoped = self._in_scope()
        return sum(1 for o in scoped if o.first_hit_rank and o.first_hit_rank <= k) / len(scoped) if scoped else 0.0

    def mrr(self) -> float:
        scoped = self._in_scope()
        return sum(1 / o.first_hit_rank for o in scoped if o.first_hit_rank) / len(scoped) if scoped else 0.0

    def out_of_scope_declined(self) -> float | None:
        oos = [o for o in self.outcomes if not o.gold.in_scope]
        return sum(1 for o in oos if o.abstained) / len(oos) if oos else None

    def in_scope_declined(self) -> int:
        return sum(1 for o in self._in_scope() if o.abstained)

    def latency(self, quantile: float) -> float:
        values = sorted(o.latency_ms for o in self.outcomes)
        if not values:
            return 0.0
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[int(quantile * 100) - 1]

    def misses(self) -> list[QuestionOutcome]:
        return [
            o
            for o in self.outcomes
            if (o.gold.in_scope and (o.first_hit_rank is None or o.first_hit_rank > 5)) or (not o.gold.in_scope and not o.abstained)
        ]

    def summary(self) -> dict:
        return {
            "questions": len(self.outcomes),
            "in_scope": len(self._in_scope()),
            "hit@1": round(self.hit_at(1), 3),
            "hit@5": round(self.hit_at(5), 3),
            "mrr@10": round(self.mrr(), 3),
            "out_of_scope_declined": None if self.out_of_scope_declined() is None else round(self.out_of_scope_declined(), 3),
            "in_scope_declined": self.in_scope_declined(),
            "latency_p50_ms": round(self.latency(0.5), 1),
            "latency_p95_ms": round(self.latency(0.95), 1),
        }


def score(gold: GoldQuestion, answer: dict) -> QuestionOutcome:
    """Score one `ask --json` answer object against its gold question."""
    passages = answer.get("passages", [])[:10]
    rank = next((i for i, passage in enumerate(passages, start=1) if is_hit(gold, passage)), None)
    return QuestionOutcome(
        gold=gold,
        abstained=bool(answer.get("abstained")) or not passages,
        first_hit_rank=rank,
        latency_ms=float(answer.get("latency_ms", 0.0)),
        top_citation=passages[0]["citation"] if passages else "",
    )


def format_report(report: EvalReport, label: str = "") -> str:
    """The table `binhdang eval` prints, then the misses (words from scripts/messages.py)."""
    s = report.summary()
    oos = "—" if s["out_of_scope_declined"] is None else f"{s['out_of_scope_declined']:.3f}"
    label = label or messages.EVAL_RUN
    lines = [
        messages.EVAL_HEADER.format(label=label),
        "|---|---|---|---|---|---|---|---|---|",
        f"| {label} | {s['questions']} | {s['hit@1']:.3f} | {s['hit@5']:.3f} | {s['mrr@10']:.3f} | {oos} "
        f"| {s['in_scope_declined']} | {s['latency_p50_ms']:.1f} | {s['latency_p95_ms']:.1f} |",
    ]
    misses = report.misses()
    if misses:
        lines.append("")
        lines.append(messages.EVAL_MISSES.format(count=len(misses)))
        for o in misses:
            if not o.gold.in_scope:
                what = messages.EVAL_ANSWERED_OUT_OF_SCOPE
            elif o.abstained:
                what = messages.EVAL_DECLINED
            elif o.first_hit_rank:
                what = messages.EVAL_FIRST_HIT.format(rank=o.first_hit_rank)
            else:
                what = messages.EVAL_NO_HIT
            lines.append(f"- {o.gold.id} ({what}): {o.gold.question} → {o.top_citation or '—'}")
    return "\n".join(lines)
