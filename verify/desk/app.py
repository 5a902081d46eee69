"""The desk's web app: Starlette routes over :mod:`verify.desk.pages`, Jinja2 templates, static
files shipped in the package (nothing fetched at run time).

Security, as a newsroom's IT would ask:
- reading is open only on the loopback address; bound anywhere else, every request needs the
  token (``?token=`` once, then an HttpOnly, SameSite=Strict cookie);
- every write (a review, a check, a report run) needs the token and a CSRF token from the form;
- only the Host names the server was bound to are served (no DNS rebinding onto 127.0.0.1);
- a Content-Security-Policy with no inline script and no request elsewhere; every stored text is
  escaped and its control characters shown (``printable``);
- request bodies are capped; an unknown id is a 404 page.
Each request opens its own connection to the store: two reviewers deciding at once wait on
SQLite's write lock (busy timeout) and both decisions are chained in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from contextlib import closing
from importlib.resources import files
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from verify import __version__
from verify.desk import pages
from verify.errors import VerifyError
from verify.output import printable
from verify.records import DECISIONS, FINDING_KINDS, RATINGS
from verify.store.db import open_store
from verify.store.decisions import record_decision
from verify.times import shown, timelines

HERE = files("verify") / "desk"
MAX_BODY_BYTES = 1_000_000  # a pasted draft of a long article fits; nothing larger is read
COOKIE = "verify_token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Desk:
    """What the routes share: the store's path, the token, the templates."""

    def __init__(self, db_path: str, token: str, reviewer: str | None, host: str):
        self.db_path, self.token, self.reviewer = db_path, token, reviewer
        self.open_reads = is_loopback(host)
        self.csrf = hmac.new(token.encode(), b"verify-desk-csrf", hashlib.sha256).hexdigest()
        self.templates = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html"]),
            finalize=lambda value: printable(value) if isinstance(value, str) else value,
        )
        self.templates.globals.update(
            version=__version__, kinds=FINDING_KINDS, decisions=DECISIONS, ratings=RATINGS, shown=shown
        )

    def store(self):
        return open_store(self.db_path, create=False)

    def page(self, request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            request=request, csrf=self.csrf if self.allowed(request) else None, reviewer=self.reviewer, **context
        )
        return HTMLResponse(html, status_code=status_code)

    def allowed(self, request: Request) -> bool:
        """Whether the request carries the token (its cookie, or ``?token=``)."""
        given = request.cookies.get(COOKIE) or request.query_params.get("token") or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def checked_form(self, request: Request) -> dict:
        """The form of a write, or a 403 when the token or the CSRF token is missing or wrong."""
        form = await request.form()
        if not self.allowed(request) or not hmac.compare_digest(str(form.get("csrf", "")).encode(), self.csrf.encode()):
            raise Forbidden()
        return {k: str(v) for k, v in form.items()}


class Forbidden(Exception):
    """A write without the token or the CSRF token: answered 403, nothing written."""


def make_app(db_path: str, token: str | None = None, reviewer: str | None = None, host: str = "127.0.0.1") -> Guard:
    """The desk as an ASGI app over the store at ``db_path``, for a server bound to ``host``."""
    desk = Desk(db_path, token or secrets.token_urlsafe(24), reviewer, host)

    def home(request: Request) -> Response:
        with closing(desk.store()) as store:
            return desk.page(request, "stories.html", stories=pages.stories(store))

    def story(request: Request) -> Response:
        name = request.path_params["story"]
        show_dismissed = request.query_params.get("dismissed") == "shown"
        with closing(desk.store()) as store:
            report = pages.story_report(store, name, show_dismissed)
            documents = store.documents(name)
        if report is None:
            return desk.page(request, "story.html", story=name, report=None, documents=documents)
        return desk.page(
            request,
            "story.html",
            story=name,
            report=report,
            documents=documents,
            show_dismissed=show_dismissed,
            timelines=timelines(report),
            claims={c["id"]: c for c in report["claims"]},
            names={s["id"]: s["name"] for s in report["sources"]},
        )

    async def report(request: Request) -> Response:
        await desk.checked_form(request)
        name = request.path_params["story"]
        from verify.report.run import run_report

        with closing(desk.store()) as store:
            store.check_known(story=name)
            run_report(store, story=name, argv=["verify", "serve", "report", name])
        return RedirectResponse(f"/stories/{name}", status_code=303)

    def finding(request: Request) -> Response:
        with closing(desk.store()) as store:
            return desk.page(request, "finding.html", **pages.finding_page(store, request.path_params["finding"]))

    async def review(request: Request) -> Response:
        form = await desk.checked_form(request)
        finding_id = request.path_params["finding"]
        decision, rating = form.get("decision", ""), form.get("rating") or None
        with closing(desk.store()) as store:
            pages.finding_page(store, finding_id)  # a 404 for an unknown finding
            record_decision(
                store,
                finding_id,
                decision,
                form.get("note", ""),
                form.get("reviewer") or desk.reviewer,
                rating=rating,
                url=form.get("url") or None,
                claim=(form.get("claim") or None) if rating else None,  # the form always names one
            )
        return RedirectResponse(f"/findings/{finding_id}", status_code=303)

    def check_form(request: Request) -> Response:
        with closing(desk.store()) as store:
            return desk.page(request, "check.html", stories=sorted(store.stories()), result=None, text="", story=None)

    async def check(request: Request) -> Response:
        form = await desk.checked_form(request)
        from verify.report.check import check_draft

        text, story_name = form.get("text", ""), form.get("story") or None
        with closing(desk.store()) as store:
            result = check_draft(store, text, story=story_name, argv=["verify", "serve", "check"], name="the draft")
            stories = sorted(store.stories())
        return desk.page(request, "check.html", stories=stories, result=result, text=text, story=story_name)

    def search(request: Request) -> Response:
        query, story_name = request.query_params.get("q", "").strip(), request.query_params.get("story") or None
        with closing(desk.store()) as store:
            if story_name:
                store.check_known(story=story_name)
            hits = store.search_claims(query, story=story_name, limit=100) if query else []
            stories = sorted(store.stories())
        return desk.page(request, "search.html", query=query, story=story_name, stories=stories, hits=hits)

    def document(request: Request) -> Response:
        with closing(desk.store()) as store:
            return desk.page(request, "document.html", **pages.document_page(store, request.path_params["document"]))

    def audit_view(request: Request) -> Response:
        with closing(desk.store()) as store:
            return desk.page(request, "audit.html", **pages.audit_page(store))

    def run_view(request: Request) -> Response:
        with closing(desk.store()) as store:
            return desk.page(request, "run.html", **pages.run_page(store, request.path_params["run"]))

    routes = [
        Route("/", home),
        Route("/stories/{story}", story),
        Route("/stories/{story}/report", report, methods=["POST"]),
        Route("/findings/{finding}", finding),
        Route("/findings/{finding}/review", review, methods=["POST"]),
        Route("/check", check_form),
        Route("/check", check, methods=["POST"]),
        Route("/search", search),
        Route("/documents/{document}", document),
        Route("/audit", audit_view),
        Route("/audit/runs/{run}", run_view),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    hosts = ["localhost", "127.0.0.1", "[::1]", "::1", host.strip("[]"), f"[{host.strip('[]')}]"]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={
            pages.NotFound: lambda request, exc: desk.page(
                request, "error.html", 404, title="Not found", message=str(exc)
            ),
            Forbidden: lambda request, exc: PlainTextResponse(
                "403 forbidden: this needs the desk's token (open the address `verify serve` printed)", 403
            ),
            VerifyError: lambda request, exc: desk.page(request, "error.html", 400, title="Refused", message=str(exc)),
            404: lambda request, exc: desk.page(request, "error.html", 404, title="Not found", message="no such page"),
        },
    )
    app.state.desk = desk
    return Guard(app, desk)


async def _nothing_received() -> dict:
    """The ``receive`` of a response sent before the request was read: there is nothing more to read."""
    return {"type": "http.disconnect"}


class Guard:
    """The outer layer of every request: the token for reading off the loopback address, the
    body size cap (a body must say its length), the token taken from ``?token=`` into a cookie,
    and the security headers."""

    def __init__(self, app, desk: Desk):
        self.app, self.desk = app, desk

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        if not self.desk.open_reads and not self.desk.allowed(request):
            return await self._plain(
                403, "403 forbidden: open the address with the token that `verify serve` printed", scope, send
            )
        length = request.headers.get("content-length")
        if request.method not in ("GET", "HEAD") and length is None:
            return await self._plain(411, "411: a request body needs its Content-Length", scope, send)
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return await self._plain(413, f"413: a request may hold at most {MAX_BODY_BYTES:,} bytes", scope, send)
        if request.query_params.get("token") and self.desk.allowed(request) and request.method == "GET":
            rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
            response.set_cookie(COOKIE, self.desk.token, httponly=True, samesite="strict")
            return await self._send(response, scope, receive, send)

        async def secured(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, secured)

    async def _plain(self, status: int, text: str, scope, send):
        await PlainTextResponse(text, status, headers=SECURITY_HEADERS)(scope, _nothing_received, send)

    async def _send(self, response, scope, receive, send):
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        await response(scope, receive, send)


def serve(db_path: str, host: str, port: int, token: str | None, reviewer: str | None, echo=print) -> None:
    """Run the desk with uvicorn until Ctrl-C; the address to open (with the token) is echoed first."""
    import uvicorn

    token = token or secrets.token_urlsafe(24)
    app = make_app(db_path, token, reviewer, host)
    shown_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    echo(f"verify desk on http://{shown_host}:{port}/?token={token}")
    if not is_loopback(host):
        echo("bound beyond this machine: every request needs the token above (keep it to the desk)")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
