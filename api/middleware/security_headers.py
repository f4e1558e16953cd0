"""Security headers on every HTTP response: a strict CSP, no framing, nosniff, no referrer.

One policy for every response, HTML pages (the public pages, the receipt, GraphiQL, error
pages) and API answers alike: every script and style sheet comes from this server's
files, none is inline and nothing loads from another origin (GraphiQL is vendored for
that, api/http/static/vendor/). `data:` is allowed for images and fonts only: GraphiQL's
style sheet embeds its fonts and icons. Applied by the `secure` package's ASGI
middleware, which replaces any value a route set for the same header.
"""

from __future__ import annotations

from secure import (
    ContentSecurityPolicy,
    ReferrerPolicy,
    Secure,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware

SELF, NONE, DATA = "'self'", "'none'", "data:"

CONTENT_SECURITY_POLICY = (
    ContentSecurityPolicy()
    .default_src(NONE)
    .script_src(SELF)
    .style_src(SELF)
    .img_src(SELF, DATA)
    .font_src(SELF, DATA)
    # `/graphql` over fetch and WebSocket ('self' covers ws: and wss: on the same host).
    .connect_src(SELF)
    .form_action(SELF)
    .base_uri(NONE)
    .frame_ancestors(NONE)
)


def security_headers() -> Secure:
    """The headers every response carries."""
    return Secure(
        csp=CONTENT_SECURITY_POLICY,
        xfo=XFrameOptions().deny(),
        xcto=XContentTypeOptions().nosniff(),
        # Addresses carry dossier codes (receipts, downloads): never pass them on.
        referrer=ReferrerPolicy().no_referrer(),
    )


class SecurityHeadersMiddleware(SecureASGIMiddleware):
    """`SecureASGIMiddleware` with motcua's headers, for Starlette's `Middleware(...)`."""

    def __init__(self, app: object) -> None:
        super().__init__(app, secure=security_headers())
