"""The words of attribution: reporting verbs, relays, anonymous and institutional speakers."""

from __future__ import annotations

import re

NEGATIVE_CUES = (
    r"did not (?:report|mention|acknowledge|confirm|say|refer to)|didn't (?:report|mention|acknowledge)"
    r"|has not (?:reported|mentioned|acknowledged|confirmed)|have not (?:reported|mentioned)"
    r"|made no mention of|makes no mention of|was silent (?:on|about)|remained silent on"
    r"|omitted|ignored|said nothing (?:of|about)"
)
POSITIVE_CUES = (
    r"(?:has |have |had )?(?:said|says|say|told|tells|reported|reports|claimed|claims|stated|states"
    r"|announced|announces|added|adds|adding|insisted|insists|denied|denies|confirmed|confirms|mentioned"
    r"|published(?: (?:pictures|images|photos|footage|video)(?: showing| of)?)?|posted|wrote|writes"
    r"|showed|shows|saw|described|accused|warned|noted|acknowledged|admitted|alleged|tweeted"
    r"|declared|broadcast|aired|cited|quoted|spoke of|speaks of|blamed|vowed|asserted|maintained"
    r"|estimated|counted|documented|recorded|put the (?:death )?toll|put the number)"
)
CUE_RE = re.compile(rf"\b(?P<cue>{NEGATIVE_CUES}|{POSITIVE_CUES})\b", re.IGNORECASE)
NEGATIVE_RE = re.compile(rf"^(?:{NEGATIVE_CUES})$", re.IGNORECASE)
ACCORDING_RE = re.compile(r"\b(?P<cue>according to|citing|quoting|in a statement by)\s+", re.IGNORECASE)
# Words that refer back to a source named earlier: "It said", "The agency added", "the correspondent
# saw". A kind-bearing head ("agency", "correspondent") resolves to the last source of that kind
# (see :class:`Discourse`); a pronoun or a neutral head to the last speaker.
ANAPHORA_RE = re.compile(  # modifiers in lower case: "the state agency", never "the Syrian health ministry"
    r"^(?:(?i:it|he|she|they)|(?i:the) (?:[a-z][\w-]* ){0,2}(?P<head>(?i:agency|group|ministry|monitor|channel"
    r"|statement|correspondent|reporter|photographer|journalist|spokesman|spokesperson|front|faction|army|military"
    r"|observatory|organisation|organization|official|broadcaster|outlet|newspaper|website|sources?|network)))$"
)
REFERENCE_KINDS = {
    "agency": ("agency",),
    "ministry": ("government",),
    "group": ("group",),
    "front": ("group",),
    "faction": ("group",),
    "monitor": ("body",),
    "observatory": ("body",),
    "organisation": ("body",),
    "organization": ("body",),
    "channel": ("channel",),
    "broadcaster": ("channel",),
    "network": ("channel",),
    "newspaper": ("outlet",),
    "website": ("outlet",),
    "outlet": ("outlet",),
    "army": ("military",),
    "military": ("military",),
    "source": ("unnamed",),
    "sources": ("unnamed",),
    "official": ("unnamed",),
    "correspondent": ("correspondent",),
    "reporter": ("correspondent",),
    "photographer": ("correspondent",),
    "journalist": ("correspondent",),
}
# A reporter on the ground belongs to the agency that employs them: "an AFP correspondent",
# "AFP's correspondent", "a correspondent for Reuters".
REPORTER = r"(?:correspondent|reporter|photographer|journalist|cameraman)s?"
CORRESPONDENT_RE = re.compile(
    rf"(?:\b(?:an?|the|one)\s+)?(?P<before>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){{0,3}})(?:['’]s)?\s+{REPORTER}\b"
    rf"|\b{REPORTER}\s+(?:of|for|with|from)\s+(?P<after>(?:the\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){{0,3}})"
)
LEADING_CUE_RE = re.compile(rf"^(?:but|and|also|only|\s)*(?P<cue>{NEGATIVE_CUES}|{POSITIVE_CUES})\b", re.IGNORECASE)
PASSIVE_RE = re.compile(
    r"\b(?:was|were|is|are|has been|have been|had been)\s+(?P<cue>reported|said|announced|stated|claimed|confirmed"
    r"|denied|quoted|cited)\s+by\s+",
    re.IGNORECASE,
)
# Anonymous sources of a named side: "sources close to the Turkish government", "officials in Damascus".
ANONYMOUS_OF = (
    r"(?:\b(?:an?|one|two|three|several|some)\s+)?(?:[\w-]+\s+)?\b(?:sources?|officials?|figures?"
    r"|people)\s+(?:close to|familiar with|in|within|inside|from)\s+(?:the\s+)?"
)
CLOSE_TO_RE = re.compile(ANONYMOUS_OF + "$", re.IGNORECASE)  # before the side's name
ANONYMOUS_OF_RE = re.compile(ANONYMOUS_OF, re.IGNORECASE)  # anywhere in a speaker's name
# Whose side an anonymous source speaks for, from its description.
SIDES = (
    (r"\b(?:regime|pro-government|pro-regime|syrian government|syrian army|damascus)\b", "syria-gov"),
    (r"\b(?:opposition|rebel|insurgent|jihadist)s?\b", "opposition"),
    (r"\b(?:turkish|turkey|ankara)\b", "turkey-gov"),
    (r"\b(?:russian|russia|moscow|kremlin)\b", "russia-gov"),
    (r"\b(?:kurdish|sdf)\b", "sdf"),
)
RELAY_RE = re.compile(r"\b(?:citing|quoting|quoted|cited)\b", re.IGNORECASE)
REPORTER_RE = re.compile(rf"\b{REPORTER}\b", re.IGNORECASE)
REPORTER_AFTER_RE = re.compile(
    rf"(?:['’]s)?\s+(?:(?:chief|senior|local|own|field|war)\s+)?{REPORTER}\b", re.IGNORECASE
)  # "AFP's correspondent"
REPORTER_BEFORE_RE = re.compile(rf"\b{REPORTER}\s+(?:of|for|with|from)\s+(?:the\s+)?$", re.IGNORECASE)

# A source the registry does not know: "The Syrian Civil Defence", "a local council official".
UNNAMED_RE = re.compile(
    r"(?:\b(?:an?|one|two|three|several|other|local|some)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:source|sources|official|officials|commander|spokesman|spokesperson|correspondent"
    r"|witness|witnesses|resident|residents|doctor|doctors|activist|activists)\b",
    re.IGNORECASE,
)
# What a described institution is called: "the Syrian health ministry", "the Idlib health directorate".
INSTITUTIONS = {
    "ministry",
    "agency",
    "army",
    "council",
    "directorate",
    "office",
    "authority",
    "authorities",
    "committee",
    "command",
    "spokesman",
    "spokesperson",
    "presidency",
    "government",
    "police",
}
# Capitalised words that open a sentence without naming anyone.
NOT_A_NAME = {"earlier", "later", "but", "and", "however", "meanwhile", "then", "still", "also", "now", "it", "this"}
# How far (in characters) a subject may stand before its cue: "SANA, citing a military source, said".
SUBJECT_WINDOW = 60
MAX_SUBJECT_WORDS = 7
