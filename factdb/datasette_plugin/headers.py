"""Security headers on every response Datasette sends while factdb's plugin is loaded.

The Content-Security-Policy allows scripts only from the site itself and the few inline scripts
Datasette's own templates hold, each by its SHA-256 hash (factdb's templates have none), so
markup that reached a page could not run script even if escaping failed. Styles may be inline:
the templates and the chart use them, and a style cannot run script. Images may be data: URLs:
Datasette's stylesheet uses them, and the comparison page's PNG download (static/chart-png.js)
loads its copy of the chart as one before drawing it on a canvas. Pages may not be framed
(clickjacking), types are not sniffed, and other sites are told only this site's origin.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from importlib import resources
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("datasette")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Datasette's templates with inline scripts; table.html's one line is rendered with either value.
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_TEMPLATES_WITH_SCRIPTS = ("_codemirror_foot.html", "_close_open_menus.html")
_RENDERED_SCRIPTS = tuple(f"DATASETTE_ALLOW_FACET = {value};" for value in ("true", "false"))


def inline_script_hashes() -> list[str]:
    """CSP sources (``'sha256-…'``) for the inline scripts of Datasette's templates."""
    templates = resources.files("datasette") / "templates"
    scripts = [script for name in _TEMPLATES_WITH_SCRIPTS
               for script in _INLINE_SCRIPT.findall((templates / name).read_text(encoding="utf-8"))]
    return [f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
            for script in (*scripts, *_RENDERED_SCRIPTS)]


def content_security_policy() -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' {' '.join(inline_script_hashes())}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def security_headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy().encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    headers = security_headers()
    names = {name for name, _value in headers}

    def wrap(app: ASGIApp) -> ASGIApp:
        async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in names]
                    message = {**message, "headers": [*kept, *headers]}
                await send(message)

            await app(scope, receive, sending)

        return with_headers

    return wrap
