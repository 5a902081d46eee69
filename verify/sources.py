"""The source registry: who makes claims, under which names.

The bundled registry (``verify/data/sources.toml``) is copied into every store; ``verify sources
add`` extends a store's copy. :class:`SourceIndex` finds sources named in a sentence, exactly or
fuzzily (rapidfuzz), so spelling and transliteration variants resolve to one id.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlparse

from rapidfuzz import fuzz, process

from verify.errors import VerifyError
from verify.records import SOURCE_KINDS

FUZZY_ALIAS_CUTOFF = 88
# Short all-capital aliases (AP, UN, WHO) only match in capitals, so "who" is never the WHO.
CASE_SENSITIVE_MAX_LEN = 5


def load_registry(path: str | os.PathLike | None = None) -> list[dict]:
    """Sources from a registry TOML file (the bundled one when ``path`` is None)."""
    try:
        if path is None:
            text = files("verify").joinpath("data/sources.toml").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise VerifyError(f"cannot read source registry {path}: {exc}") from exc
    sources = []
    for entry in data.get("source", []):
        if not {"id", "name", "kind"} <= entry.keys():
            raise VerifyError(f"source registry {path or 'bundled'}: entry without id, name or kind: {entry}")
        sources.append(
            {
                "id": entry["id"],
                "name": entry["name"],
                "kind": entry["kind"],
                "aliases": list(entry.get("aliases", [])),
                "registered": 1,
                "side": entry.get("side"),
                "domains": list(entry.get("domains", [])),
            }
        )
    return sources


@cache
def country_voices() -> dict[str, str]:
    """{country, lower-cased: source id} of the bundled registry's ``[voices]``: who speaks when a
    text says "Turkey said" (the registry says Turkey speaks through its government)."""
    text = files("verify").joinpath("data/sources.toml").read_text("utf-8")
    return {country.lower(): source for country, source in tomllib.loads(text).get("voices", {}).items()}


@cache
def bundled_index() -> SourceIndex:
    """An index over the bundled registry alone, built once (for text outside any store)."""
    return SourceIndex(load_registry())


def sync_bundled_sources(store) -> None:
    """Bring the store's copy of the bundled registry (and ``$VERIFY_SOURCES``) up to date.

    Sources a user added or changed with ``verify sources add`` are left as they are."""
    wanted = [dict(s, origin="bundled") for s in load_registry()]
    if os.environ.get("VERIFY_SOURCES"):
        wanted += [dict(s, origin="file") for s in load_registry(os.environ["VERIFY_SOURCES"])]
    stored = {s["id"]: s for s in store.sources()}
    changed = [
        s
        for s in wanted
        if s["id"] not in stored
        or stored[s["id"]]["origin"] in ("bundled", "file")
        and any(stored[s["id"]][k] != v for k, v in s.items())
    ]
    if changed:
        with store.transaction():
            store.upsert_sources(changed)


DOMAIN_RE = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def web_domain(text: str) -> str:
    """A web domain as the registry keeps it ("www.Reuters.com" is reuters.com), or a one-line
    error for what is not one (a URL, a path, spaces)."""
    domain = text.strip().lower().removeprefix("www.")
    with contextlib.suppress(UnicodeError):  # an internationalised name, as DNS spells it
        domain = domain.encode("idna").decode("ascii")
    if not DOMAIN_RE.fullmatch(domain):
        raise VerifyError(
            f"invalid domain {text!r}: give a web domain such as reuters.com or an intranet host name (no scheme, path, port or spaces)"
        )
    return domain


def add_source(
    store, source_id: str, name: str, kind: str, aliases: list[str], domains: tuple[str, ...] | list[str] = ()
) -> dict:
    """Add a source to a store's registry, or update one (an unregistered source becomes registered).
    ``domains`` are the web domains it publishes on: ``verify ingest URL`` takes the outlet from them."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", source_id):
        raise VerifyError(f"invalid source id {source_id!r}: use lower-case letters, digits, '-', '_' or '.'")
    if kind not in SOURCE_KINDS:
        raise VerifyError(f"unknown kind {kind!r}: choose one of {', '.join(SOURCE_KINDS)}")
    existing = store.source(source_id)
    merged = sorted(set(aliases) | set(existing["aliases"] if existing else []))
    sites = sorted({web_domain(d) for d in domains} | set(existing.get("domains") or [] if existing else []))
    source = {
        "id": source_id,
        "name": name,
        "kind": kind,
        "aliases": merged,
        "registered": 1,
        "origin": "user",
        "domains": sites,
    }
    with store.transaction():
        store.upsert_sources([source])
    return source


def slug(name: str) -> str:
    """A source id derived from a name: 'The Syrian Civil Defence' -> 'syrian-civil-defence'."""
    name = re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "unknown"


def _key(name: str) -> str:
    """Lower-case, without a leading article or punctuation: how aliases are compared."""
    name = re.sub(r"[’'`\u2019]", "", name.lower())
    name = re.sub(r"[^a-z0-9]+", " ", name).strip()
    return re.sub(r"^(the|a|an) ", "", name)


@dataclass(frozen=True)
class Mention:
    source: str
    text: str
    start: int
    end: int


class SourceIndex:
    """Looks up sources by name and finds them in text."""

    def __init__(self, sources: list[dict]):
        self.sources = {s["id"]: s for s in sources}
        self.domains = {d.lower(): s["id"] for s in sources for d in s.get("domains") or []}
        self.by_key: dict[str, str] = {}
        exact_case: list[str] = []
        any_case: list[str] = []
        for source in sources:
            for name in [source["id"], source["name"], *source["aliases"]]:
                self.by_key.setdefault(_key(name), source["id"])
            for alias in [source["name"], *source["aliases"]]:
                short_caps = len(alias) <= CASE_SENSITIVE_MAX_LEN and alias.isupper()
                (exact_case if short_caps else any_case).append(alias)
        self.exact_case = {a: self.by_key[_key(a)] for a in exact_case}
        self.any_case = {a.lower(): self.by_key[_key(a)] for a in any_case}
        self._case_re = _alternation(self.exact_case, flags=0)
        self._nocase_re = _alternation(self.any_case, flags=re.IGNORECASE)

    def add(self, source: dict) -> None:
        """Know one more source by its id, name and aliases (not searched for in text)."""
        self.sources[source["id"]] = source
        for name in [source["id"], source["name"], *source["aliases"]]:
            self.by_key.setdefault(_key(name), source["id"])

    def for_url(self, url: str) -> str | None:
        """The source whose web domain serves ``url`` (``domains`` in the registry), or None."""
        host = (urlparse(url).hostname or "").lower().removeprefix("www.")
        for domain, source in self.domains.items():
            if host == domain or host.endswith("." + domain):
                return source
        return None

    def resolve(self, name: str, fuzzy: bool = True) -> str | None:
        """The id of the source called ``name``, allowing spelling variants unless not ``fuzzy``;
        None if unknown."""
        key = _key(name)
        if key in self.by_key or not fuzzy:
            return self.by_key.get(key)
        best = process.extractOne(key, self.by_key.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_ALIAS_CUTOFF)
        return self.by_key[best[0]] if best else None

    def mentions(self, text: str) -> list[Mention]:
        """Sources named in ``text``, longest names first, never overlapping."""
        found: list[Mention] = []
        candidates = []
        for pattern, table, fold in (
            (self._case_re, self.exact_case, False),
            (self._nocase_re, self.any_case, True),
        ):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                alias = match.group(0).lower() if fold else match.group(0)
                candidates.append(Mention(table[alias], match.group(0), match.start(), match.end()))
        for mention in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start)):
            if all(mention.end <= m.start or mention.start >= m.end for m in found):
                found.append(mention)
        return sorted(found, key=lambda m: m.start)


def _alternation(names, flags: int) -> re.Pattern | None:
    if not names:
        return None
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])", flags)
