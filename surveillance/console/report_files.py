"""The run reports and GX Data Docs as the console serves them: nothing fetched from outside (GX's pages
link their styles and scripts from CDNs, blank offline and outside the console's CSP) and no script run.
The pages' content is static HTML, readable without their scripts."""

from __future__ import annotations

import re

# a report's own markup may style itself; nothing it names loads from anywhere but the console, and no script runs
CSP = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
       "script-src 'none'; connect-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

_EXTERNAL = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*['\"]?(?:https?:)?//[^>]*>\s*</script\s*>"  # a CDN script and its (empty) body
    r"|<link\b[^>]*\bhref\s*=\s*['\"]?(?:https?:)?//[^>]*>",  # a CDN style sheet, font or icon
    re.IGNORECASE)
_STYLE = '<link rel="stylesheet" href="/static/report.css">'


def offline(page: str) -> tuple[str, int]:
    """``page`` without the elements that would fetch from another site, with the console's report style
    sheet in their place; and how many were dropped."""
    text, dropped = _EXTERNAL.subn("", page)
    if dropped:
        text = re.sub(r"</head\s*>", _STYLE + "</head>", text, count=1, flags=re.IGNORECASE)
    return text, dropped
