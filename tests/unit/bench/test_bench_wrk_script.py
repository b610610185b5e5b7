"""wrk's Lua script (POST body, bearer token, paths in turn) and the reading of its summary."""

from __future__ import annotations

import pytest

from tests.bench.wrk import lua_script, parse_output

SUMMARY = """Running 5s test @ http://127.0.0.1:8001
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.10ms   12.00ms 120.00ms   70.00%
    Req/Sec    100.00     10.00   130.00     80.00%
  1002 requests in 5.01s, 400.00KB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    200.12
Transfer/sec:     79.84KB
"""


def test_the_summary_gives_the_rate_the_requests_and_the_errors():
    run = parse_output(SUMMARY)
    assert (run.requests_per_second, run.requests, run.non_2xx, run.socket_errors) == (200.12, 1002, 4, 3)


def test_a_clean_run_has_no_errors_and_anything_else_is_refused():
    clean = "\n".join(line for line in SUMMARY.splitlines() if "errors" not in line and "Non-2xx" not in line)
    assert parse_output(clean).non_2xx == 0
    assert parse_output(clean).socket_errors == 0
    with pytest.raises(ValueError):
        parse_output("unable to connect to 127.0.0.1:8001 Connection refused")


def test_the_script_posts_the_body_with_the_token_to_each_path_in_turn():
    script = lua_script(["/a", "/b"], {"answers": [1, 2]}, "tok")
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = [[{"answers": [1, 2]}]]' in script
    assert 'wrk.headers["Authorization"] = [[Bearer tok]]' in script
    assert 'local paths = {"/a", "/b"}' in script
    assert "next_path = next_path % #paths + 1" in script


def test_without_a_token_no_authorization_is_sent_and_the_body_cannot_end_the_lua_string():
    script = lua_script(["/insert"], {"text": "]]"}, None)
    assert "Authorization" not in script
    assert 'wrk.body = [=[{"text": "]]"}]=]' in script
