"""Every intake page a staff member can reach, in headless Chromium: accessible, legible, and usable on a phone.

For each page (sign-in, work queue and search, registration, the client record, every screening form,
results, the interpersonal inventory, admission, correcting details, error pages, and their error states):

- axe-core finds no WCAG 2.1 A or AA violation, at desktop width and at 390 px (a phone);
- normal text reaches 7:1 contrast (WCAG AAA, axe's `color-contrast-enhanced` rule);
- nothing scrolls sideways at 768 px (a tablet) or at 390 px; screenshots of each are saved;
- on a phone, buttons, fields, choices and navigation links are at least 44 px tall (WCAG 2.5.5).

axe-core is pinned in deploy/local/browser-tools/package-lock.json and installed into
.local/browser-tools by `bash deploy/local/browser-deps.sh` (which `make test` runs). The pages'
Content-Security-Policy forbids inline scripts, so these browser contexts bypass it to inject axe.
The test data is made once per module over the JSON API; one signed-in browser per role is reused.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from shared.users import UserStore, identity_database
from tests.browser.axe_checks import AXE_OPTIONS, ENHANCED_CONTRAST, describe, run_axe
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, SCREENSHOT_DIR, VIEWPORT, safe_name

PASSWORD = "browser-test-password-1"

DESKTOP = VIEWPORT["width"]
TABLET = 768
PHONE = 390
HEIGHTS = {DESKTOP: VIEWPORT["height"], TABLET: 1024, PHONE: 844}
MIN_TAP_TARGET_PX = 44  # WCAG 2.5.5 (AAA) target size; 2.5.8 (AA) asks for 24

INSTRUMENTS = ("phq9", "phq2", "gad7", "gad2", "audit", "auditc", "dast10", "pcl5", "cssrs_screen", "mdq")


# --- Test data, made once over the JSON API ------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    family: str
    flagged: str  # urgent and high risk flags, both consents, the inventory, PHQ-9 and AUDIT results
    phq9: str  # the PHQ-9 result that raised the urgent flag
    audit: str  # an AUDIT result, with its AUDIT-C part
    incomplete: str  # an unfinished PHQ-9 kept because item 9 signals risk: not scored
    ready: str  # consent to treatment only: admission is possible with an override
    admitted: str  # admitted, with an override


def _api(stack: Any, method: str, path: str, body: dict[str, Any], role: str = "intake") -> dict[str, Any]:
    response = requests.request(
        method, f"{stack.url('intake')}/api/v1{path}", json=body, headers=stack.headers(role), timeout=10
    )
    assert response.status_code in (200, 201), f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def seed(stack: Any) -> Seeded:
    family = f"Axe{secrets.token_hex(3)}"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    in_a_year = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()
    months_ago = (datetime.now(UTC) - timedelta(days=90)).date().isoformat()

    def register(given: str, program: str, **extra: Any) -> str:
        body = {
            "given_name": given,
            "family_name": family,
            "date_of_birth": "1987-03-09",
            "sex_at_birth": "female",
            "program": program,
            "contact": {"email": f"{given.lower()}.{family.lower()}@example.org", "phone": "+15550123"},
            "preferred_channel": "sms",
            "referral": {"source": "Emergency department, St Elsewhere hospital", "date": yesterday},
        }
        return str(_api(stack, "POST", "/clients", body | extra)["id"])

    consent = {"treatment_consent": {"signed_on": yesterday}}
    # A long unbroken name (they exist) must wrap in its cell, never widen the page.
    long_name = {"family_name": "Wolfeschlegelsteinhausenbergerdorff" + family}
    long_flagged = register("Maximiliane", "co_occurring", **long_name)
    _api(stack, "POST", f"/clients/{long_flagged}/risk-flags", {"urgency": "urgent", "note": "Long-name check."})
    flagged = register("Morgan", "co_occurring", **consent)
    phq9 = _api(
        stack,
        "POST",
        f"/clients/{flagged}/screenings",
        {"instrument": "phq9", "answers": [1, 1, 0, 0, 0, 0, 0, 0, 2], "difficulty": 1},
    )
    assert phq9["risk_flag"]["urgency"] == "urgent", phq9
    audit = _api(
        stack, "POST", f"/clients/{flagged}/screenings", {"instrument": "audit", "answers": [2, 1, 1] + [0] * 7}
    )
    incomplete = _api(
        stack, "POST", f"/clients/{flagged}/screenings", {"instrument": "phq9", "answers": [1, 0] + [None] * 6 + [1]}
    )
    assert incomplete["complete"] is False, incomplete
    _api(stack, "POST", f"/clients/{flagged}/risk-flags", {"urgency": "high", "note": "Said she stopped eating."})
    _api(
        stack,
        "POST",
        f"/clients/{flagged}/consents",
        {
            "kind": "part2_disclosure",
            "signed_on": yesterday,
            "scope": "Substance-use assessment and treatment attendance",
            "recipients": ["Dr A. Example, general practitioner", "County probation office"],
            "purpose": "Coordination of care",
            "expires_on": in_a_year,
        },
    )
    areas = {"primary": {"area": "role_dispute", "stage": "impasse"}, "secondary": {"area": "grief"}}
    assessment = {
        "relationships": [
            {"person": "my partner", "relationship": "partner", "closeness": 3, "conflictual": "Money, moving city"},
            {"person": "my mother", "relationship": "mother", "closeness": 5, "supportive": "Calls every day"},
        ],
        "life_events": [{"description": "Lost her job", "when": months_ago}],
        "problem_areas": areas,
    }
    _api(stack, "PUT", f"/clients/{flagged}/assessment", assessment)

    ready = register("Riley", "mental_health", **consent)

    admitted = register("Sam", "mental_health", **consent)
    _api(stack, "PUT", f"/clients/{admitted}/assessment", assessment)
    _api(
        stack,
        "POST",
        f"/clients/{admitted}/admission",
        {
            "track": "individual",
            "problem_areas": areas,
            "preferred_days": ["tuesday", "thursday"],
            "preferred_times": ["morning"],
            "override": {"confirmed": True, "reason": "Screenings are given at the first session"},
        },
    )
    return Seeded(family, flagged, str(phq9["id"]), str(audit["id"]), str(incomplete["id"]), ready, admitted)


# --- The pages ------------------------------------------------------------------------------------------------

Opener = Callable[[Page, str, Seeded], None]


@dataclass(frozen=True)
class Visit:
    """One page in one state: `open` gets there (signed in with `role`, or signed out as "guest")."""

    name: str
    open: Opener
    role: str = "intake"

    def __str__(self) -> str:
        return self.name


def goto(path: str, heading: str | re.Pattern[str], status: int = 200) -> Opener:
    """Open `path` (formatted with the seeded ids): it answers `status` and shows its level-1 heading."""

    def open_page(page: Page, base: str, data: Seeded) -> None:
        response = page.goto(base + path.format(**vars(data)))
        assert response is not None and response.status == status, f"{path}: {response and response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    return open_page


def sign_in_failed(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/login")
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_contain_text("Sign-in failed")


def queue_search(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/")
    page.get_by_role("searchbox", name="Find a client").fill(data.family)
    page.get_by_role("button", name="Search").click()
    # Intake staff find the clients not yet admitted: Morgan and Riley (Sam was admitted).
    expect(page.get_by_role("heading", name="2 clients found")).to_be_visible()


def queue_search_by_birth_date(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/")
    page.get_by_role("searchbox", name="Find a client").fill(f"Sam {data.family}")
    page.get_by_label("Date of birth").fill("1987-03-09")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 client found")).to_be_visible()
    expect(page.locator(".search table")).to_contain_text("a record you cannot open; a supervisor can")


def register_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/new")
    page.get_by_label("Given name").fill("Casey")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Register client").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def register_duplicate(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/new")
    page.get_by_label("Given name").fill("Morgan")
    page.get_by_label("Family name").fill(data.family)
    page.get_by_label("Date of birth").fill("1987-03-09")
    page.get_by_label("Program").select_option("co_occurring")
    page.get_by_label("Email address").fill("morgan@example.org")
    page.get_by_label("Email", exact=True).check()
    page.get_by_role("button", name="Register client").click()
    expect(page.locator(".warning-box")).to_contain_text("This may be someone already registered")


def edit_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}/edit")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Save the corrections").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def client_with_notice(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}/edit")
    page.get_by_role("button", name="Save the corrections").click()
    expect(page.get_by_role("status")).to_contain_text("Details saved")


def consent_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}")
    page.locator("#consent-treatment").get_by_role("button", name="Record treatment consent").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def revoke_without_a_reason(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}")
    consents = page.locator("#consents")
    consents.get_by_text("Revoke…").click()
    consents.get_by_role("button", name="Revoke this consent").click()
    expect(consents.get_by_label("Why is it revoked?")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()


def inventory_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}/assessment")
    page.get_by_role("group", name="Person 1").get_by_label("Who").fill("my brother")
    page.get_by_role("button", name="Save the interpersonal inventory").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def screening_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}/screenings/new/phq9")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def admission_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/clients/{data.ready}/admission")
    page.get_by_role("button", name="Admit client").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def emergency_errors(page: Page, base: str, data: Seeded) -> None:
    page.goto(f"{base}/ui/emergency-access")
    page.get_by_role("button", name="Open the record under emergency access").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")


def emergency_granted(page: Page, base: str, data: Seeded) -> None:
    """A clinician breaks glass for a client of nobody's caseload: the record opens read only, with the banner."""
    page.goto(f"{base}/ui/emergency-access")
    page.get_by_label("Client id").fill(data.admitted)
    page.get_by_label("Why you need the record now").fill("Client in crisis at the front desk; clinician away.")
    page.get_by_role("button", name="Open the record under emergency access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Sam Axe"))
    expect(page.get_by_role("heading", name=re.compile(r"^Emergency access until"))).to_be_visible()


CLIENT = "/ui/clients/{flagged}"
VISITS = [
    Visit("sign-in", goto("/ui/login", "Sign in"), role="guest"),
    Visit("sign-in-failed", sign_in_failed, role="guest"),
    Visit("work-queue", goto("/ui/", "Work queue")),
    Visit("work-queue-search-results", queue_search),
    Visit("work-queue-search-by-birth-date", queue_search_by_birth_date),
    Visit("work-queue-filtered", goto("/ui/?stage=ready&program=substance_use", "Work queue")),
    Visit("register", goto("/ui/clients/new", "Register a client")),
    Visit("register-errors", register_errors),
    Visit("register-possible-duplicate", register_duplicate),
    Visit("client-record", goto(CLIENT, re.compile(r"^Morgan Axe"))),
    # A supervisor sees the form to clear a flag (so does the clinician an alert reached).
    Visit("client-record-supervisor", goto(CLIENT, re.compile(r"^Morgan Axe")), role="supervisor"),
    # Once admitted, the record is the clinical team's: intake staff no longer open it (nor a
    # supervisor of a team other than that of the clinician admission found; admin opens it).
    Visit("client-record-admitted", goto("/ui/clients/{admitted}", re.compile(r"^Sam Axe")), role="admin"),
    Visit("client-record-with-notice", client_with_notice),
    Visit("client-record-consent-errors", consent_errors),
    Visit("client-record-revoke-without-a-reason", revoke_without_a_reason),
    Visit("correct-details", goto(CLIENT + "/edit", "Correct the client's details")),
    Visit("correct-details-errors", edit_errors),
    *[
        Visit(f"screening-form-{code}", goto(CLIENT + f"/screenings/new/{code}", re.compile(r"version")))
        for code in INSTRUMENTS
    ],
    Visit("screening-form-errors", screening_errors),
    Visit("screening-result-risk-banner", goto(CLIENT + "/screenings/{phq9}", re.compile(r"^PHQ-9 result"))),
    Visit("screening-result-audit", goto(CLIENT + "/screenings/{audit}", re.compile(r"^AUDIT result"))),
    Visit("screening-result-incomplete", goto(CLIENT + "/screenings/{incomplete}", re.compile(r"^PHQ-9 result"))),
    Visit("interpersonal-inventory", goto(CLIENT + "/assessment", "Interpersonal inventory")),
    Visit("interpersonal-inventory-empty", goto("/ui/clients/{ready}/assessment", "Interpersonal inventory")),
    Visit("interpersonal-inventory-errors", inventory_errors),
    Visit("admission-blocked", goto(CLIENT + "/admission", "Admit to an IPT track")),
    Visit("admission-with-override", goto("/ui/clients/{ready}/admission", "Admit to an IPT track")),
    Visit("admission-errors", admission_errors),
    Visit("emergency-access", goto("/ui/emergency-access", "Emergency access"), role="clinician"),
    Visit("emergency-access-errors", emergency_errors, role="clinician"),
    Visit("emergency-access-granted", emergency_granted, role="clinician"),
    Visit("emergency-access-review", goto("/ui/emergency-access/review", "Emergency access review"), role="supervisor"),
    Visit("error-page-not-found", goto("/ui/no-such-page", "Not found", status=404)),
    Visit("error-page-unknown-client", goto("/ui/clients/00000000-0000-4000-8000-000000000000", "Not found", 404)),
]


# --- Fixtures -------------------------------------------------------------------------------------------------


class Browsing:
    """One reused signed-in browser per role; a page opened once is measured at each width by resizing it.

    The tests of one visit run one after the other (`visit` is a module-scoped parameter, and pytest groups
    tests by it), so each page is loaded once, checked at desktop width, on a phone and on a tablet, and
    axe runs once per width.
    """

    def __init__(self, browser: Browser, stack: Any, data: Seeded) -> None:
        self.browser, self.stack, self.data = browser, stack, data
        self.base = stack.url("intake")
        self.pages: dict[str, Page] = {}
        self.showing: dict[str, str] = {}  # role -> the visit its page shows now
        self.axe_results: dict[tuple[str, int], list[dict[str, Any]]] = {}

    def open(self, visit: Visit, width: int) -> Page:
        page = self._page_for(visit.role)
        page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
        if self.showing.get(visit.role) != visit.name:
            self.showing.pop(visit.role, None)
            visit.open(page, self.base, self.data)
            self.showing[visit.role] = visit.name
        return page

    def forget(self, visit: Visit) -> None:
        """The page was changed by a test: open it afresh next time."""
        self.showing.pop(visit.role, None)

    def axe(self, visit: Visit, width: int) -> list[dict[str, Any]]:
        """axe's violations of WCAG 2.1 A and AA, and of 7:1 text contrast, on the visit's page at `width`."""
        key = (visit.name, width)
        if key not in self.axe_results:
            self.axe_results[key] = run_axe(self.open(visit, width), AXE_OPTIONS)
        return self.axe_results[key]

    def _page_for(self, role: str) -> Page:
        if role not in self.pages:
            context = self.browser.new_context(viewport=VIEWPORT, bypass_csp=True)
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
            page = context.new_page()
            if role != "guest":
                username = f"{role}-{secrets.token_hex(4)}"
                UserStore(identity_database(self.stack.env)).add(username, role, PASSWORD)
                page.goto(f"{self.base}/ui/login")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", level=1, name="Work queue")).to_be_visible()
            self.pages[role] = page
        return self.pages[role]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def browsing(browser: Browser, stack: Any) -> Iterator[Browsing]:
    session = Browsing(browser, stack, seed(stack))
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="module", params=VISITS, ids=[visit.name for visit in VISITS])
def visit(request: pytest.FixtureRequest) -> Visit:
    return request.param


# --- Tests ----------------------------------------------------------------------------------------------------
# Defined in the order they run for each visit, so that the page is loaded once: desktop, phone, tablet.


def test_normal_text_has_at_least_7_to_1_contrast(browsing: Browsing, visit: Visit):
    violations = [v for v in browsing.axe(visit, DESKTOP) if v["id"] == ENHANCED_CONTRAST]
    assert not violations, describe(violations, f"{visit.name} ({browsing.base})")


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_wcag_21_a_or_aa_violation(browsing: Browsing, visit: Visit, width: int):
    violations = [v for v in browsing.axe(visit, width) if v["id"] != ENHANCED_CONTRAST]
    assert not violations, describe(violations, f"{visit.name} at {width} px")


# The controls people tap. Links inside sentences and table cells are exempt (WCAG 2.5.5's inline exception);
# a radio button or checkbox counts through its whole choice box, which its label covers.
TAP_TARGETS = """min => {
  const selector = 'button, .button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), '
    + 'select, textarea, .choice, .site-nav a, .brand, .step, .instrument-link, .link-button, .pager a';
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    const unseen = getComputedStyle(element).visibility === 'hidden' || element.closest('.visually-hidden');
    if (box.width === 0 || unseen) continue;
    if (box.height < min - 0.5 || box.width < min - 0.5) {
      const text = (element.innerText || element.value || element.name || '').trim().split('\\n')[0].slice(0, 40);
      small.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} "${text}": `
        + `${Math.round(box.width)}x${Math.round(box.height)} px`);
    }
  }
  return small;
}"""


def test_tap_targets_are_comfortable_on_a_phone(browsing: Browsing, visit: Visit):
    page = browsing.open(visit, PHONE)
    small = page.evaluate(TAP_TARGETS, MIN_TAP_TARGET_PX)
    assert not small, f"on {visit.name} at {PHONE} px, smaller than {MIN_TAP_TARGET_PX} px: " + "; ".join(small)


# Elements sticking out past the window's right edge: what makes a page scroll sideways.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 0.5) {
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + (element.classList.length ? '.' + [...element.classList].join('.') : '');
      found.push(`${name} (right edge ${Math.round(box.right)} px)`);
    }
  }
  return found.slice(0, 12);
}"""


@pytest.mark.parametrize("width", [PHONE, TABLET], ids=["phone", "tablet"])
def test_no_page_scrolls_sideways(browsing: Browsing, visit: Visit, width: int):
    page = browsing.open(visit, width)
    scroll_width, window_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    fits = scroll_width <= window_width
    path = SCREENSHOT_DIR / f"{safe_name(f'{visit.name}-{width}px')}.png"
    if width == PHONE or not fits:  # every page on a phone; on a tablet, what went wrong
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
    assert fits, (
        f"{visit.name} at {width} px is {scroll_width} px wide (window {window_width} px); see {path}. "
        f"Too wide: {page.evaluate(OVERFLOWING)}"
    )


def test_the_work_queue_stacks_its_rows_on_a_phone(browsing: Browsing):
    results = next(v for v in VISITS if v.name == "work-queue-search-results")
    page = browsing.open(results, PHONE)
    for table in ("#work-queue", ".search table"):
        cells = page.locator(f"{table} tbody td")
        expect(cells.first).to_be_visible()
        shown = cells.evaluate_all(
            """cells => cells.map(cell => [cell.dataset.label || null,
                                           getComputedStyle(cell, '::before').content,
                                           getComputedStyle(cell).display])"""
        )
        for label, before, display in shown:
            assert label, f"a cell of {table} has no data-label"
            assert before == f'"{label}"', f"{table}: the cell labelled {label!r} shows {before} before it"
            assert display != "table-cell", f"{table}: cells stay in columns on a phone"
        hidden = page.locator(f"{table} thead").evaluate("el => el.getBoundingClientRect().height <= 1")
        assert hidden, f"{table}: the column headings still take a row on a phone"
    page.screenshot(path=str(SCREENSHOT_DIR / "work-queue-stacked-rows-390px.png"), full_page=True)
    # A desktop keeps the columns.
    browsing.open(results, DESKTOP)
    assert page.locator("#work-queue tbody td").first.evaluate("el => getComputedStyle(el).display") == "table-cell"


PLANTED = """() => document.querySelector('main').insertAdjacentHTML('beforeend',
  '<input id="planted-field"><p id="planted-grey" style="color: #6b6b6b; background: #fff">5.3 to 1</p>')"""


def test_axe_is_wired_up_and_reports_what_it_finds(browsing: Browsing):
    """Guards the checks above: planted faults come back from the same axe run, each with its target."""
    sign_in = VISITS[0]
    page = browsing.open(sign_in, DESKTOP)
    browsing.forget(sign_in)
    page.evaluate(PLANTED)
    found = {(v["id"], " ".join(map(str, node["target"]))) for v in run_axe(page, AXE_OPTIONS) for node in v["nodes"]}
    assert ("label", "#planted-field") in found, found
    assert (ENHANCED_CONTRAST, "#planted-grey") in found, found
    assert ("color-contrast", "#planted-grey") not in found, "4.5:1 is enough for AA"
