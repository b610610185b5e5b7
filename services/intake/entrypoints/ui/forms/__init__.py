"""From HTML form fields to API-shaped bodies, and from error maps back to form fields.

Form fields are named by the dotted key the schemas and the domain use in their errors
("contact.phone", "answers.3", "relationships.0.closeness"), so one name links a value, its
input and its error message. Each page group has its own module here; this package itself is what
the templates see as `f`, so it names what they use.
"""

from services.intake.entrypoints.ui.forms.admission import ADMISSION_LABELS
from services.intake.entrypoints.ui.forms.consent import CONSENT_LABELS
from services.intake.entrypoints.ui.forms.labels import (
    AREA_OPTIONS,
    CHANNEL_OPTIONS,
    CLOSENESS_OPTIONS,
    DAY_OPTIONS,
    PROGRAM_OPTIONS,
    SEX_OPTIONS,
    STAGE_FILTER_OPTIONS,
    STAGE_OPTIONS,
    TIME_OPTIONS,
    TRACK_OPTIONS,
    URGENCY_OPTIONS,
)
from services.intake.entrypoints.ui.forms.registration import REGISTRATION_LABELS
from shared.staff_ui.questionnaire import (
    answer_key,
    form_value,
    screening_labels,
    shown_extra_fields,
)

__all__ = [
    "ADMISSION_LABELS",
    "AREA_OPTIONS",
    "CHANNEL_OPTIONS",
    "CLOSENESS_OPTIONS",
    "CONSENT_LABELS",
    "DAY_OPTIONS",
    "PROGRAM_OPTIONS",
    "REGISTRATION_LABELS",
    "SEX_OPTIONS",
    "STAGE_FILTER_OPTIONS",
    "STAGE_OPTIONS",
    "TIME_OPTIONS",
    "TRACK_OPTIONS",
    "URGENCY_OPTIONS",
    "answer_key",
    "form_value",
    "screening_labels",
    "shown_extra_fields",
]
