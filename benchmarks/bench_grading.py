"""How well the typed-answer grader does on hand-labelled answers it was not tuned on.

Reads tests/fixtures/graded_answers.yaml (cards with their question, model answer and
trap; eleven labelled answers each) and grades every answer of one half (default: the
held-out half). Prints against the targets:

- the confusion matrix (label x verdict; ``blank`` is a wrong label of its own);
- coverage: share of answers not ``unsure``; target >= 50%;
- accuracy of the auto-graded (every verdict but ``unsure``): ``partly`` counts as
  correct for a right answer, ``wrong`` for a trap answer (a fail either way; how often
  the trap is named is trap recall), ``trap`` for a wrong answer does not; target >= 95%
  (also printed strictly, a trap answer called ``wrong`` counted as an error);
- trap precision and recall; targets >= 95% and >= 80%;
- the share of wrong or trap answers suggested a pass (>= 3); target <= 2%;
- milliseconds per answer, warm (best of several passes); target <= 20 ms.

    .venv/bin/python benchmarks/bench_grading.py [--split held-out|tuning|all] [--errors]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashcards.drill.grading import Verdict, grade_answer  # noqa: E402
from flashcards.model import Card, Kind  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "graded_answers.yaml"
LABELS = ("right", "trap", "wrong", "blank")
VERDICTS = tuple(v.value for v in Verdict)
CORRECT = {
    "right": {"right", "partly"},
    "trap": {"trap", "wrong"},
    "wrong": {"wrong"},
    "blank": {"wrong"},
}


def load(path: Path = LABELLED) -> list[tuple[str, Card, list[Card], list[tuple[str, str]]]]:
    """``(split, card, its chapter's cards, [(label, answer)])`` per labelled card."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cards = {
        entry["id"]: Card(
            id=entry["id"],
            kind=Kind(entry["kind"]),
            front=entry["question"],
            back=entry["model"],
            wrong_answer=entry.get("trap") or "",
        )
        for entry in data["cards"]
    }
    chapters: dict[str, list[Card]] = {}
    for entry in data["cards"]:
        chapters.setdefault(entry["chapter"], []).append(cards[entry["id"]])
    found = []
    for entry in data["cards"]:
        answers = [("right", a) for a in entry["right"]]
        answers += [("trap", a) for a in entry["trap_answers"]]
        answers += [("wrong", a) for a in entry["wrong"]]
        answers.append(("blank", entry["blank"]))
        card = cards[entry["id"]]
        found.append((entry["split"], card, chapters[entry["chapter"]], answers))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="held-out", choices=["held-out", "tuning", "all"])
    parser.add_argument("--errors", action="store_true", help="print every wrong verdict")
    args = parser.parse_args()
    chosen = [item for item in load() if args.split in ("all", item[0])]
    confusion: Counter[tuple[str, str]] = Counter()
    suggested_pass = 0
    errors = []
    for _, card, chapter, answers in chosen:
        for label, text in answers:
            grade = grade_answer(card, text, chapter=chapter)
            confusion[label, grade.verdict.value] += 1
            if label != "right" and (grade.suggested_grade or 0) >= 3:
                suggested_pass += 1
            unsure = grade.verdict is Verdict.UNSURE
            wrong = grade.verdict.value not in CORRECT[label]
            if (wrong and not unsure) or (args.errors and unsure):
                errors.append((card.id, label, grade, text))

    total = sum(confusion.values())
    graded = total - sum(confusion[label, "unsure"] for label in LABELS)
    correct = sum(confusion[label, v] for label in LABELS for v in CORRECT[label])
    trap_said = sum(confusion[label, "trap"] for label in LABELS)
    traps = sum(confusion["trap", v] for v in VERDICTS)
    bad = sum(confusion[label, v] for label in ("trap", "wrong", "blank") for v in VERDICTS)

    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _, card, chapter, answers in chosen:
            for _, text in answers:
                grade_answer(card, text, chapter=chapter)
        runs.append((time.perf_counter() - start) / total * 1000)

    print(f"{args.split}: {len(chosen)} cards, {total} answers")
    print("label \\ verdict " + "".join(f"{v:>8}" for v in VERDICTS))
    for label in LABELS:
        row = "".join(f"{confusion[label, v]:>8}" for v in VERDICTS)
        print(f"{label:<16}{row}")
    print(f"coverage (not unsure):        {graded / total:6.1%}   target >= 50%")
    print(f"auto-graded correct:          {_share(correct, graded)}   target >= 95%")
    strict = correct - confusion["trap", "wrong"]
    print(f"  strictly (trap called wrong is an error): {_share(strict, graded)}")
    print(
        f"trap precision:               {_share(confusion['trap', 'trap'], trap_said)}"
        "   target >= 95%"
    )
    print(
        f"trap recall:                  {_share(confusion['trap', 'trap'], traps)}   target >= 80%"
    )
    print(f"wrong or trap suggested pass: {_share(suggested_pass, bad)}   target <= 2%")
    print(f"ms per answer (warm, best):   {min(runs):6.2f}   target <= 20 ms")
    if args.errors:
        for card_id, label, grade, text in errors:
            print(
                f"  {label:>5} -> {grade.verdict.value:<7} s={grade.score:.2f} "
                f"t={grade.trap_score:.2f} {card_id}: {text}"
            )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "   n/a"


if __name__ == "__main__":
    main()
