"""Small building blocks shared by the instrument modules."""

from __future__ import annotations

from collections.abc import Sequence

from shared.instruments.model import BOOLEAN, SCALE, AnswerOption, Item

# (lowest total, highest total, band name), covering the whole range without gaps.
Bands = tuple[tuple[int, int, str], ...]

YES_NO = (AnswerOption(True, "Yes"), AnswerOption(False, "No"))


def options(
    labels: Sequence[str], loinc_answers: Sequence[str] | None = None, values: Sequence[int] | None = None
) -> tuple[AnswerOption, ...]:
    """Answer options scored 0, 1, 2... in label order unless `values` says otherwise."""
    scores = list(values) if values is not None else list(range(len(labels)))
    codes = list(loinc_answers) if loinc_answers is not None else [None] * len(labels)
    return tuple(AnswerOption(score, label, code) for score, label, code in zip(scores, labels, codes, strict=True))


def scale_items(
    texts: Sequence[str],
    answer_options: tuple[AnswerOption, ...],
    loincs: Sequence[str] = (),
    critical: Sequence[int] = (),
) -> tuple[Item, ...]:
    """Numbered scale items that share one set of answer options."""
    return tuple(
        Item(
            number=number,
            text=text,
            kind=SCALE,
            options=answer_options,
            loinc=loincs[number - 1] if loincs else None,
            critical=number in critical,
        )
        for number, text in enumerate(texts, start=1)
    )


def yes_no_items(
    texts: Sequence[str], reversed_items: Sequence[int] = (), critical: Sequence[int] = ()
) -> tuple[Item, ...]:
    return tuple(
        Item(
            number=number,
            text=text,
            kind=BOOLEAN,
            options=YES_NO,
            critical=number in critical,
            reversed=number in reversed_items,
        )
        for number, text in enumerate(texts, start=1)
    )


def band_for(total: int, bands: Bands) -> str:
    for lowest, highest, name in bands:
        if lowest <= total <= highest:
            return name
    raise ValueError(f"total {total} is outside every band")  # validation makes this unreachable


def max_scale_total(items: Sequence[Item]) -> int:
    return sum(max(item.allowed_values) for item in items)


def min_scale_total(items: Sequence[Item]) -> int:
    return sum(min(item.allowed_values) for item in items)
