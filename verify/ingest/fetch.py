"""Fetching: web pages by URL, lists of URLs and RSS/Atom feeds, read as saved pages are.

Downloads go through urllib3 with trafilatura's address-checking pool (it refuses loopback and
private addresses on every hop, redirects included, unless asked), one request at a time with a
pause between two requests to the same host. ``--timeout`` bounds the whole fetch of one URL:
connecting, redirects, one retry of a busy server, and reading the body. A page that cannot be
fetched or holds no article text is reported on one line saying why, and nothing of it is stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlparse

from verify import __version__
from verify.errors import VerifyError
from verify.progress import progress

TIMEOUT_S = 20
SAME_HOST_PAUSE_S = 1.0  # between two requests to one host
MAX_PAGE_BYTES = 20_000_000  # a page's body, decompressed (trafilatura's cap)
MAX_REDIRECTS = 5
BUSY_STATUSES = {429, 500, 502, 503, 504}  # asked once more, if the time allows
CHUNK_BYTES = 2**14


class FetchError(VerifyError):
    """A URL that could not be fetched; the message says why, in a few words."""


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = TIMEOUT_S  # seconds for the whole fetch of one URL
    allow_private: bool = False  # loopback and private addresses: an intranet CMS, a local test server
    pause: float = SAME_HOST_PAUSE_S


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise VerifyError(f"{url!r} is not an http(s) URL")
    return url


def feed_links(feed_url: str, options: FetchOptions) -> list[str]:
    """The article links of an RSS or Atom feed (parsed with feedparser), in the feed's order."""
    import feedparser

    try:
        text = Fetcher(options).page(check_url(feed_url))
    except FetchError as exc:
        raise VerifyError(f"{feed_url}: the feed could not be fetched: {exc}") from exc
    parsed = feedparser.parse(text)
    links = list(dict.fromkeys(e.get("link") for e in parsed.entries if is_url(e.get("link") or "")))
    if not links:
        raise VerifyError(f"{feed_url}: no article links found (not an RSS or Atom feed, or an empty one)")
    return links


LAST_REQUEST: dict[str, float] = {}  # host -> when this process last asked it (feeds and pages alike)


class Fetcher:
    """Downloads pages politely: one at a time, pausing between two requests to the same host."""

    def __init__(self, options: FetchOptions):
        import certifi
        from trafilatura.downloads import create_pool

        self.options = options
        self.pool = create_pool(
            ssrf_protection=not options.allow_private, ca_certs=certifi.where(), cert_reqs="CERT_REQUIRED"
        )

    def page(self, url: str) -> str:
        """The page's HTML; a :class:`FetchError` saying why when it cannot be had in time."""
        from trafilatura.utils import decode_file

        host = urlparse(url).hostname or ""
        wait = LAST_REQUEST.get(host, 0) + self.options.pause - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return decode_file(self._body(url, time.monotonic() + self.options.timeout))
        finally:
            LAST_REQUEST[host] = time.monotonic()

    def _body(self, url: str, deadline: float) -> bytes:
        """The body of ``url``'s answer, read before ``deadline`` (a busy server is asked once more)."""
        response = self._request(url, deadline)
        if response.status in BUSY_STATUSES:
            response.release_conn()
            time.sleep(min(1.0, max(0.0, (deadline - time.monotonic()) / 2)))
            response = self._request(url, deadline)
        try:
            if response.status != 200:
                raise FetchError(f"the server answered {_status(response.status)}")
            return self._read(response, deadline)
        finally:
            response.release_conn()

    def _request(self, url: str, deadline: float):
        import urllib3

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(self._too_slow())
        try:
            return self.pool.request(
                "GET",
                url,
                headers={"User-Agent": f"verify/{__version__}", "Accept-Encoding": "gzip, deflate"},
                retries=urllib3.Retry(total=MAX_REDIRECTS, redirect=MAX_REDIRECTS, connect=0, read=0, status=0),
                timeout=urllib3.Timeout(total=remaining),
                preload_content=False,
            )
        except urllib3.exceptions.MaxRetryError as exc:
            raise FetchError(self._failure(exc.reason)) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(self._failure(exc)) from exc

    def _read(self, response, deadline: float) -> bytes:
        import urllib3

        chunks, size = [], 0
        try:
            while chunk := self._next_chunk(response, deadline):
                size += len(chunk)
                if size > MAX_PAGE_BYTES:
                    raise FetchError(f"the page is larger than the {MAX_PAGE_BYTES // 1_000_000} MB a page may hold")
                if time.monotonic() > deadline:
                    raise FetchError(self._too_slow())
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(self._failure(exc)) from exc
        return b"".join(chunks)

    def _next_chunk(self, response, deadline: float) -> bytes:
        """What the server has sent next (decompressed), waiting no later than ``deadline``: a
        server that trickles a byte at a time cannot hold the fetch open."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(self._too_slow())
        if response.connection is not None and response.connection.sock is not None:
            response.connection.sock.settimeout(remaining)
        return response.read1(CHUNK_BYTES)

    def _too_slow(self) -> str:
        return f"no complete answer within {self.options.timeout:g} s (--timeout)"

    def _failure(self, error) -> str:
        """Why a request failed, in a few words."""
        import urllib3

        text = str(error)
        if "SSRF protection" in text:
            return "a loopback or private address, refused (allow it with --allow-private-addresses)"
        if isinstance(error, urllib3.exceptions.NameResolutionError):  # before timeouts: urllib3 files
            return "the host name does not resolve"  # connection errors under ConnectTimeoutError
        if isinstance(error, urllib3.exceptions.NewConnectionError):
            return "the server refused the connection"
        if isinstance(error, urllib3.exceptions.TimeoutError):
            return self._too_slow()
        if isinstance(error, urllib3.exceptions.SSLError):
            return "its TLS certificate could not be verified"
        if "redirect" in text.lower():
            return f"more than {MAX_REDIRECTS} redirects"
        if isinstance(error, urllib3.exceptions.ProtocolError):
            return "the server dropped the connection"
        return f"the download failed ({type(error).__name__})"


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def fetch_pages(urls: list[str], options: FetchOptions) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(url, html) of each page fetched, and (url, why) of each that failed."""
    fetcher, pages, failed = Fetcher(options), [], []
    for url in progress(urls, "Fetching"):
        try:
            pages.append((url, fetcher.page(check_url(url))))
        except VerifyError as exc:
            failed.append((url, str(exc)))
    return pages, failed
