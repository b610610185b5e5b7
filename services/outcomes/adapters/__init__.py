"""Storage of the outcomes service: every collection it keeps, for index creation at start."""

from services.outcomes.adapters.courses import COURSES
from services.outcomes.adapters.disclosures import CONSENTS, DISCLOSURES
from services.outcomes.adapters.offers import OFFERS
from services.outcomes.adapters.projections import ADMISSIONS, ENROLMENTS, MEASURES
from services.outcomes.adapters.summaries import COURSE_SUMMARIES
from shared.audit import AUDIT
from shared.emergency_grants import EMERGENCY_GRANTS
from shared.supervision_records import SUPERVISION

COLLECTIONS = (
    ENROLMENTS,
    ADMISSIONS,
    MEASURES,
    COURSES,
    COURSE_SUMMARIES,
    OFFERS,
    AUDIT,
    CONSENTS,
    DISCLOSURES,
    EMERGENCY_GRANTS,
    SUPERVISION,
)
