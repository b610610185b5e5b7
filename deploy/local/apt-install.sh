#!/usr/bin/env bash
# Sourced by the *-deps.sh scripts: `apt_install WHO WHAT PACKAGE...` installs Debian packages
# the project needs, as root or with passwordless sudo, or says how to and fails. WHO prefixes
# every message; WHAT names what is missing ("Chromium"). Output is shown only on failure.

apt_install() {
    local who="$1" what="$2"
    shift 2
    local packages=("$@") sudo=()
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$who: $what is missing and apt-get is unavailable; install it yourself." >&2
        return 1
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            echo "$who: $what is missing and installing it needs root." >&2
            echo "  Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
            return 1
        fi
    fi
    echo "$who: installing ${packages[*]} from Debian (one-off, well under a minute)..." >&2
    local log
    log="$(mktemp)"
    # No recommends: only what the project runs.
    if ! { "${sudo[@]}" apt-get update -qq &&
           "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
               apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "$who: apt-get failed; see the output above." >&2
        return 1
    fi
    rm -f "$log"
}
