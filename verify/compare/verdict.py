"""The verdict on one pair of claims: what the structured checks find (numbers, dates, places,
actors, polarity, control verbs, hedging), the finding it becomes, and its reason in words.

:mod:`verify.compare.judge` settles the kind and confidence from these checks and the NLI model;
:mod:`verify.compare` (every pair of a store) and :mod:`verify.report.check` (a draft against the
store) both make their pair findings here.
"""

from __future__ import annotations

from typing import cast

from verify.compare.clashes import (
    actor_clash,
    control_clash,
    date_clashes,
    denial_clash,
    differing_figures,
    number_clashes,
    outcome_clash,
    place_clash,
    polarity_clash,
    revised_figures,
    same_outcome,
    unlike_figures,
)
from verify.compare.judge import one_sided_hedge
from verify.records import Evidence, Finding, FindingKind, PreparedClaim, Thresholds
from verify.store.rows import sha256
from verify.times import order_key, shown

CHECKS = (
    "similarity",
    "tfidf",
    "names",
    "numbers",
    "dates",
    "places",
    "actors",
    "polarity",
    "control",
    "outcome",
    "hedging",
    "nli",
)


# -- one pair --------------------------------------------------------------------------------


def pair_evidence(a: PreparedClaim, b: PreparedClaim, similarity: float, tfidf: float, thresholds: Thresholds) -> dict:
    """What the structured checks find on one pair: clashes (with spans), hedges, differing figures."""
    clashes: dict = {}
    found: list[dict] | dict | None
    if similarity >= thresholds.clash_similarity:
        if found := number_clashes(a, b):
            clashes["numbers"] = found
        if (similarity >= thresholds.polarity_similarity or same_outcome(a, b)) and (found := date_clashes(a, b)):
            clashes["dates"] = found
    if similarity >= thresholds.same_event and (found := control_clash(a, b)):
        clashes["control"] = found
    if similarity >= thresholds.same_event and (found := outcome_clash(a, b)):
        clashes["outcome"] = found
    if (
        similarity >= thresholds.clash_similarity
        and (found := denial_clash(a, b))
        or similarity >= thresholds.polarity_similarity
        and (found := polarity_clash(a, b))
    ):
        clashes["polarity"] = found
    if similarity >= thresholds.place_similarity:
        if found := place_clash(a, b):
            clashes["places"] = found
        if found := actor_clash(a, b):
            clashes["actors"] = found
    return {
        "similarity": round(similarity, 4),
        "tfidf": round(tfidf, 4),
        "clashes": clashes,
        "hedges": {"left": a["signals"]["hedges"], "right": b["signals"]["hedges"]},
        "differing_figures": differing_figures(a, b),
        "unlike_figures": unlike_figures(a, b),
        "same_outcome": same_outcome(a, b),
    }


def checks_kind(evidence: dict, thresholds: Thresholds) -> str | None:
    """The kind the structured checks and similarity give without the NLI model (the ablation)."""
    if evidence["clashes"]:
        return "contradiction"
    if evidence["similarity"] < thresholds.partial:
        return None
    if (
        evidence["similarity"] >= thresholds.agreement
        and not one_sided_hedge(evidence)
        and not evidence["differing_figures"]
    ):
        return "agreement"
    return "partial"


def judge_pair(
    a: PreparedClaim, b: PreparedClaim, similarity: float, tfidf: float, thresholds: Thresholds
) -> dict | None:
    """The structured checks on one pair: {kind (the checks' alone), evidence}, or None when the
    pair is neither clashing nor similar enough for the NLI model to read (:mod:`verify.compare.judge`
    then gives the kind and confidence)."""
    evidence = pair_evidence(a, b, similarity, tfidf, thresholds)
    kind = checks_kind(evidence, thresholds)
    if kind is None and similarity < thresholds.nli_similarity:
        return None
    return {"kind": kind, "evidence": evidence}


# -- reasons ---------------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str, limit: int = 90) -> str:
    """A claim quoted on one line, shortened to ``limit`` characters."""
    return f"'{shorten(text, limit)}'"


def clash_words(kind_of_clash: str, found, na: str, nb: str) -> str:
    """One structured clash in words."""
    if kind_of_clash == "numbers":
        unit = f" ({found[0]['unit']})" if found[0]["unit"] else ""
        return f"{na} gives {found[0]['left']}, {nb} gives {found[0]['right']}{unit}"
    if kind_of_clash == "dates":
        return f"{na} dates it {found[0]['left']}, {nb} {found[0]['right']}"
    if kind_of_clash == "control":
        return f"{na}: '{found['left']}' ({found['left_actor']}); {nb}: '{found['right']}' ({found['right_actor']})"
    if kind_of_clash == "polarity":
        negating = na if found["left"] else nb
        return f"{negating} negates it ({', '.join(repr(w) for w in (found['left'] or found['right']))})"
    if kind_of_clash == "outcome":
        return f"{na} says '{found['left']}', {nb} says '{found['right']}'"
    if kind_of_clash == "places":
        return f"{na} places it in {', '.join(found['left'])}, {nb} in {', '.join(found['right'])}"
    return f"{na} credits {found['left']}, {nb} credits {found['right']}"


def shared_relays(a: PreparedClaim, b: PreparedClaim) -> list[str]:
    """Relays both claims came through ("X via AFP" and "Y via AFP"): their agreement is not two
    independent confirmations. The outlet publishing both is not counted: it quotes both."""
    via_a, via_b = set(a.get("via") or []), set(b.get("via") or [])
    return sorted(via_a & via_b | via_a & {b["outlet"]} | via_b & {a["outlet"]})


def summary_for(kind: str, a: PreparedClaim, b: PreparedClaim, evidence: dict) -> str:
    """What clashes or agrees, naming the sources, without quoting the claims."""
    summary = _summary(kind, a, b, evidence)
    if kind in ("agreement", "partial") and (shared := shared_relays(a, b)):
        summary += f" (both through {', '.join(shared)}: not independent confirmations)"
    return summary


def _summary(kind: str, a: PreparedClaim, b: PreparedClaim, evidence: dict) -> str:
    na, nb = a["source_name"], b["source_name"]
    clashes = evidence.get("clashes") or {}
    if kind == "contradiction":
        parts = [clash_words(name, found, na, nb) for name, found in clashes.items()]
        return "; ".join(parts) or "the judge reads them as contradictory"
    if clashes:  # a clash the judge reads as two compatible statements
        differences = "; ".join(clash_words(name, found, na, nb) for name, found in clashes.items())
        return f"{na} and {nb} differ ({differences}), but the judge reads the statements as compatible"
    if kind == "partial":
        hedges = evidence.get("hedges", {})
        if evidence.get("differing_figures"):
            d = evidence["differing_figures"][0]
            return f"{na} and {nb} report it with different figures ({d['left']} vs {d['right']} {d['unit']})"
        if hedges.get("left") or hedges.get("right"):
            who, words = (na, hedges["left"]) if hedges.get("left") else (nb, hedges["right"])
            return f"{na} and {nb} report the same thing, but {who} hedges it ({', '.join(words)})"
        return f"{nb} supports only part of {na}'s claim"
    return f"{na} and {nb} agree"


def model_reading(evidence: dict) -> str:
    """What the NLI model read, each way it read: 'NLI reads contradiction (0.91 one way, 0.64 the other)'."""
    nli = evidence.get("nli")
    if not nli:
        return ""
    there, back = nli["left_to_right"], nli["right_to_left"]
    readings = [r for r in (there, back) if r]
    label = max(("entailment", "neutral", "contradiction"), key=lambda k: sum(r[k] for r in readings))
    if len(readings) == 1:
        return f"NLI reads {label} ({readings[0][label]:.2f}, read one way: the other could not change the kind)"
    return f"NLI reads {label} ({there[label]:.2f} one way, {back[label]:.2f} the other)"


def reason_for(kind: str, a: PreparedClaim, b: PreparedClaim, evidence: dict) -> str:
    """One readable sentence: the summary, what the model read, then both claims quoted."""
    reading = model_reading(evidence)
    return (
        f"{summary_for(kind, a, b, evidence)}{'; ' + reading if reading else ''} — "
        f"{a['source_name']}: {quote(a['text'])} vs {b['source_name']}: {quote(b['text'])}"
    )


def make_finding(
    kind: FindingKind,
    claims: list[str],
    sources: list[str],
    confidence: float,
    reason: str,
    summary: str,
    evidence: dict,
    thresholds: Thresholds,
    omitted_by: list[str] | None = None,
    named_by: list[str] | None = None,
) -> Finding:
    """The one place a :class:`~verify.records.Finding` is made: its id follows from its kind, its
    claims (``named_by``, when other claims name it: an omission is named by its whole group) and
    who omits them, so the same finding has the same id in every run."""
    return {
        "id": finding_id(kind, named_by or claims, omitted_by),
        "kind": kind,
        "claims": claims,
        "sources": sources,
        "omitted_by": omitted_by or [],
        "confidence": confidence,
        "reason": reason,
        "summary": summary,
        "evidence": cast(Evidence, evidence),
        "thresholds": cast(Thresholds, thresholds.as_dict()),  # the record's JSON holds the values
    }


def finding_id(kind: str, claims: list[str], omitted_by: list[str] | None = None) -> str:
    key = f"{kind}|{'|'.join(sorted(claims))}|{'|'.join(sorted(omitted_by or []))}"
    return "f-" + sha256(key)[:12]


# What a reversal needs besides the judge's contradiction: a statement turned over. On 10,000 claims
# of real news (bench/scale.py's store), 37 of 79 same-source "reversals" had no clash at all.
REVERSAL_CLASHES = {"polarity", "control", "outcome"}


def revision_finding(verdict: dict, a: PreparedClaim, b: PreparedClaim, thresholds: Thresholds) -> Finding | None:
    """Two claims of one source in different dated documents (each with its ``time``): a revision
    when the later one gives another figure for the same quantity (an update) or contradicts the
    earlier one with a statement turned over (a reversal: a polarity, control or outcome clash);
    None when the source said the same thing twice."""
    earlier, later = sorted((a, b), key=order_key)
    evidence = verdict["evidence"]
    figures = revised_figures(earlier, later)
    if figures:
        change = "update"
    elif verdict["kind"] == "contradiction" and REVERSAL_CLASHES & set(evidence.get("clashes") or {}):
        change = "reversal"  # the judge alone reverses too many accounts of one source on real text
    else:
        return None
    name, when = earlier["source_name"], [shown(c["time"]["reported"]) for c in (earlier, later)]
    if change == "update":
        first, unit = figures[0], f" ({figures[0]['unit']})" if figures[0].get("unit") else ""
        summary = f"{name} revised a figure{unit}: {first['left']} on {when[0]}, then {first['right']} on {when[1]}"
    else:
        summary = f"{name} changed its account between {when[0]} and {when[1]}"
    reading = model_reading(evidence)
    revision = {"change": change, "earlier": earlier["time"]["reported"], "later": later["time"]["reported"]}
    return make_finding(
        "revision",
        [earlier["id"], later["id"]],
        [earlier["source"]],
        verdict["confidence"],
        f"{summary}{'; ' + reading if reading else ''} — {when[0]}: {quote(earlier['text'])}, "
        f"{when[1]}: {quote(later['text'])}",
        summary,
        evidence | {"revision": revision | {"figures": figures}},
        thresholds,
    )


def pair_finding(verdict: dict, a: PreparedClaim, b: PreparedClaim, thresholds: Thresholds) -> Finding:
    """The finding a verdict on two claims of different sources makes."""
    kind, evidence = verdict["kind"], verdict["evidence"]
    return make_finding(
        kind,
        [a["id"], b["id"]],
        sorted({a["source"], b["source"]}),
        verdict["confidence"],
        reason_for(kind, a, b, evidence),
        summary_for(kind, a, b, evidence),
        evidence,
        thresholds,
    )
