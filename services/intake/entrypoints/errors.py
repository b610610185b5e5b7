"""Maps domain failures to HTTP answers, so views stay one call long."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_smorest import abort

from services.intake.domain.errors import Conflict, NotFound, RuleViolation
from services.intake.handlers import PossibleDuplicate
from shared.instruments import InvalidAnswers


def domain_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except NotFound as missing:
            abort(404, message=f"Not found: {missing}.")
        except PossibleDuplicate as duplicate:
            abort(409, message="A client with the same name and date of birth is already registered. "
                               "Check the existing record, or resend with allow_duplicate=true.",
                  duplicates=[c.id for c in duplicate.candidates])
        except Conflict as conflict:
            abort(409, message=str(conflict))
        except InvalidAnswers as invalid:
            abort(422, message="The answers are incomplete or out of range; nothing was scored.",
                  messages={"json": invalid.errors})
        except RuleViolation as violation:
            abort(422, message="The request breaks a rule; nothing was saved.", messages={"json": violation.errors})

    guarded.__dict__.update(getattr(view, "__dict__", {}))
    return guarded
