"""Request-level guards: the upload size limit (before a byte is parsed) and response headers."""
from __future__ import annotations

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    # every script and style is a file of ours; no inline code, no other origin
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; frame-ancestors 'none'; form-action 'self'"),
]


class _TooLarge(Exception):
    pass


def _too_large_page(limit: int) -> bytes:
    mb = limit / 1024 / 1024
    return (f"<!doctype html><meta charset=utf-8><title>文件太大</title><p class=error>"
            f"上传的内容太大：上限为 {mb:g} MB。请压缩或拆分后再传。"
            f"（upload larger than {mb:g} MB refused）</p><p><a href=/>返回</a></p>").encode()


class Guard:
    """ASGI middleware: refuses a body over `limit` bytes with 413 and a message (by its
    Content-Length, or by counting when it has none), and adds the security headers."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def _refuse(self, send) -> None:
        body = _too_large_page(self.limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *HEADERS]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length and length.isdigit() and int(length) > self.limit:
            return await self._refuse(send)
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def headed(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        try:
            await self.app(scope, counted, headed)
        except _TooLarge:
            if not started:
                await self._refuse(send)
