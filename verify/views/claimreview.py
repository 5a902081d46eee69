"""Publishing: reviewed findings as schema.org ClaimReview, the JSON-LD that Google's fact-check
tools, the Duke Reporters' Lab database and Meedan Check read.

One ClaimReview per rated claim: the latest decision on a finding that carries a rating
(``verify review FINDING --rating ... --url ...``). The claim reviewed is the rated claim's text;
its author is the source that makes it, and its appearance the document that carried it (the
outlet's page, with its URL and date when known).
"""

from __future__ import annotations

from verify.errors import VerifyError
from verify.records import RATINGS
from verify.store.decisions import latest_decisions
from verify.store.runs import run as recorded_run
from verify.store.runs import run_findings

CONTEXT = "https://schema.org"
SCALE = [r for r in RATINGS if r != "unproven"]  # worst (1) to best (5 ... len)


def rating_words(rating: str) -> str:
    """'mostly-true' -> 'Mostly true': the rating as a reader sees it."""
    return rating.replace("-", " ").capitalize()


def claim_reviews(store, organisation: str, story: str | None = None, run: str | None = None) -> list[dict]:
    """ClaimReview objects for the rated decisions (of findings of ``run``, or of ``story``'s documents)."""
    if not organisation.strip():
        raise VerifyError("ClaimReview needs the reviewing organisation: --organisation NAME or $VERIFY_ORGANISATION")
    rated = [d for d in latest_decisions(store).values() if d.get("rating")]
    if run is not None:
        in_run = {f["id"] for f in run_findings(store, recorded_run(store, run)["id"])}
        rated = [d for d in rated if d["finding_id"] in in_run]
    reviews = []
    for decision in sorted(rated, key=lambda d: (d["decided_at"], d["id"])):
        claim = store.claim(decision["claim"])
        if claim is None:
            continue  # the claim's document is no longer stored
        document = store.document(claim["document_id"])
        if story is not None and document["story"] != story:
            continue
        reviews.append(_claim_review(store, decision, claim, document, organisation))
    return reviews


def _organisation(store, source_id: str) -> dict:
    source = store.source(source_id) or {"name": source_id, "kind": "other"}
    return {"@type": "Person" if source["kind"] == "person" else "Organization", "name": source["name"]}


def _claim_review(store, decision: dict, claim: dict, document: dict, organisation: str) -> dict:
    appearance = {"@type": "CreativeWork", "publisher": _organisation(store, document["outlet"])}
    appearance |= {
        key: document[field]
        for key, field in (("url", "url"), ("headline", "title"), ("datePublished", "published"))
        if document[field]
    }
    item = {"@type": "Claim", "author": _organisation(store, claim["source"]), "appearance": appearance}
    if document["published"]:
        item["datePublished"] = document["published"]
    rating: dict[str, str | int] = {"@type": "Rating", "alternateName": rating_words(decision["rating"])}
    if decision["rating"] in SCALE:
        rating |= {"ratingValue": SCALE.index(decision["rating"]) + 1, "bestRating": len(SCALE), "worstRating": 1}
    review = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim["text"],
        "itemReviewed": item,
        "reviewRating": rating,
        "author": {"@type": "Organization", "name": organisation},
        "datePublished": decision["decided_at"][:10],
        "identifier": decision["id"],
    }
    if decision["url"]:
        review["url"] = decision["url"]
    return review
