"""Fetching: web pages by URL, lists of URLs and RSS/Atom feeds, read as saved pages are.

Downloads go through trafilatura's own fetching (its SSRF protection keeps loopback and private
addresses out unless asked), one request at a time with a pause between two requests to the same
host, and a timeout. A page that cannot be fetched or holds no article text is reported on one
line and nothing of it is stored.
"""

from __future__ import annotations

import time
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urlparse

from .errors import VerifyError
from .progress import progress

TIMEOUT_S = 20
SAME_HOST_PAUSE_S = 1.0  # between two requests to one host


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = TIMEOUT_S
    allow_private: bool = False  # loopback and private addresses: an intranet CMS, a local test server
    pause: float = SAME_HOST_PAUSE_S

    def config(self):
        from trafilatura.settings import DEFAULT_CONFIG

        config = deepcopy(DEFAULT_CONFIG)
        config.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(int(self.timeout)))
        config.set("DEFAULT", "SSRF_PROTECTION", "off" if self.allow_private else "on")
        config.set("DEFAULT", "MAX_REDIRECTS", "5")
        return config


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

    text = Fetcher(options).page(check_url(feed_url))
    if not text:
        raise VerifyError(f"{feed_url}: the feed could not be fetched")
    parsed = feedparser.parse(text)
    links = list(dict.fromkeys(e.get("link") for e in parsed.entries if is_url(e.get("link") or "")))
    if not links:
        raise VerifyError(f"{feed_url}: no article links found (not an RSS or Atom feed, or an empty one)")
    return links


LAST_REQUEST: dict[str, float] = {}  # host -> when this process last asked it (feeds and pages alike)


class Fetcher:
    """Downloads pages politely: one at a time, pausing between two requests to the same host."""

    def __init__(self, options: FetchOptions):
        self.options = options
        self._config = options.config()

    def page(self, url: str) -> str | None:
        """The page's HTML, or None when it cannot be fetched."""
        from trafilatura import fetch_url

        host = urlparse(url).hostname or ""
        wait = LAST_REQUEST.get(host, 0) + self.options.pause - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return fetch_url(url, config=self._config)
        finally:
            LAST_REQUEST[host] = time.monotonic()


def fetch_pages(urls: list[str], options: FetchOptions) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(url, html) of each page fetched, and (url, why) of each that failed."""
    fetcher, pages, failed = Fetcher(options), [], []
    for url in progress(urls, "Fetching"):
        try:
            check_url(url)
        except VerifyError as exc:
            failed.append((url, str(exc)))
            continue
        html = fetcher.page(url)
        if html:
            pages.append((url, html))
        else:
            failed.append((url, "could not be fetched (unreachable, an error status, a timeout or a blocked address)"))
    return pages, failed
