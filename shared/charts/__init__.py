"""Server-rendered charts: pure functions from data to SVG text, safe under a strict CSP (no script, no style)."""
