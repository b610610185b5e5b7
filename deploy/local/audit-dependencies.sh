#!/usr/bin/env bash
# Known vulnerabilities in every pinned dependency (requirements.lock, hashes and all), with
# `pip-audit --strict`: any finding, or a dependency that could not be audited, fails `make test`.
# Where the advisory data cannot be reached at all (no route to it, or a package mirror that
# serves packages but not their advisories), the run goes on and this says so, loudly: NOT CHECKED
# is never reported as a pass. Run it where the advisory data is reachable before a release.
set -uo pipefail

LOCK="${1:-requirements.lock}"
AUDIT=(pip-audit --progress-spinner off --disable-pip --require-hashes -r "$LOCK")

if strict=$("${AUDIT[@]}" --strict 2>&1); then
    echo "dependency audit: no known vulnerabilities in $LOCK (pip-audit --strict)"
    exit 0
fi

# The strict run failed: a finding, a dependency it could not audit, or no advisory data at all.
report=$("${AUDIT[@]}" -f json 2>/dev/null)
verdict=$(python3 - "$report" <<'PY'
import json
import sys

try:
    dependencies = json.loads(sys.argv[1])["dependencies"]
except (ValueError, KeyError, TypeError):
    print("unreachable")  # pip-audit could not even answer (no route to the advisory service)
    raise SystemExit
vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if d.get("skip_reason")]
if vulnerable:
    print("vulnerable")
elif dependencies and len(skipped) == len(dependencies):
    print("unreachable")  # not one dependency found: the advisory data is not there to be read
else:
    print("incomplete")
PY
)

case "$verdict" in
    unreachable)
        echo "============================================================================" >&2
        echo "DEPENDENCY AUDIT NOT CHECKED: the vulnerability advisory data cannot be reached" >&2
        echo "from this machine, so $LOCK was NOT checked for known vulnerabilities." >&2
        echo "pip-audit said: $(tail -n 1 <<<"$strict")" >&2
        echo "Run 'bash deploy/local/audit-dependencies.sh' where it can be reached." >&2
        echo "============================================================================" >&2
        exit 0
        ;;
    *)
        echo "$strict" >&2
        echo "dependency audit FAILED ($verdict): see above" >&2
        exit 1
        ;;
esac
