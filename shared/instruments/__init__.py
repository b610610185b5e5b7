"""Screening instruments as data plus a scoring function each.

Scores are computed only here, from raw item answers; an incomplete or invalid form raises
InvalidAnswers naming every bad item (no pro-rating).
"""

from shared.instruments.instrument import Instrument
from shared.instruments.model import AnswerOption, ExtraField, InvalidAnswers, Item, ScreeningResult
from shared.instruments.pcl import PCL5_DEFAULT_CUTOFF
from shared.instruments.phq import PHQ2_DEFAULT_CUTOFF
from shared.instruments.registry import INSTRUMENTS, get_instrument

__all__ = [
    "INSTRUMENTS",
    "PCL5_DEFAULT_CUTOFF",
    "PHQ2_DEFAULT_CUTOFF",
    "AnswerOption",
    "ExtraField",
    "Instrument",
    "InvalidAnswers",
    "Item",
    "ScreeningResult",
    "get_instrument",
]
