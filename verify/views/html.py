"""The HTML view of a report: one self-contained page for editorial review, offline.

No network requests: styles and the small filter script are inline, and a Content-Security-
Policy forbids loading anything else. Every piece of document text is HTML-escaped, so a
document containing ``<script>`` or ``onerror=`` renders as text, and its control characters
and bidirectional overrides are shown as the terminal views show them, so none can make a claim
display reversed.
"""

from __future__ import annotations

import html
from typing import cast

from verify.output import printable
from verify.records import Finding, Report
from verify.report.document import CELL_SYMBOLS, CELL_WORDS, KIND_ORDER, confidence_basis, mark_spans, relay_chain
from verify.times import timelines


def escape(text: str) -> str:
    """Text for HTML: escaped, with every control character made visible (one for one, so offsets hold)."""
    return html.escape(printable(str(text)))


CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}
header,main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem}
header{background:#fff;border-bottom:1px solid #ddd;max-width:none}
h1{font-size:1.4rem;margin:.2rem 0} h2{font-size:1.15rem;margin-top:2rem}
.meta{color:#555;font-size:.85rem} .meta code{font-size:.8rem} .basis{color:#666;font-size:.8rem}
table.matrix{border-collapse:collapse;background:#fff;font-size:.9rem}
table.matrix th,table.matrix td{border:1px solid #ddd;padding:.3rem .5rem}
table.matrix td.cell{text-align:center;font-weight:bold;min-width:2.2rem}
.states{color:#17692c} .contradicts{color:#b3261e;background:#fde8e6} .partial{color:#0b5c75}
.omits{color:#8a5a00;background:#fff4d6}
.filters{position:sticky;top:0;background:#f6f6f4;padding:.6rem 0;border-bottom:1px solid #ddd;z-index:1}
.filters label{margin-right:1rem}
.finding{background:#fff;border:1px solid #ddd;border-left:6px solid #888;margin:1rem 0;padding:.6rem 1rem}
.finding.contradiction{border-left-color:#b3261e} .finding.omission{border-left-color:#c98a00}
.finding.revision{border-left-color:#8e24aa}
.finding.partial{border-left-color:#0b7fa3} .finding.agreement{border-left-color:#2e8b47}
.kind{font-weight:bold;text-transform:uppercase;letter-spacing:.04em}
.claims{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.claim{border-top:1px dashed #ccc;padding-top:.4rem}
.claim .para{color:#444} mark.claim-text{background:#fff3b0;padding:0 .1em}
mark.clash{background:#b3261e;color:#fff;padding:0 .15em;border-radius:2px}
.trace{color:#666;font-size:.8rem} .decision{font-size:.85rem;font-style:italic}
.hidden{display:none} .scroll{overflow-x:auto;max-width:100%}
table.coverage{border-collapse:separate;border-spacing:0} table.coverage th{white-space:nowrap}
table.coverage .claim-col{position:sticky;left:0;background:#fff;z-index:1;min-width:22rem;max-width:28rem;border-right:2px solid #ccc}
.abbr{display:inline-block;max-width:6.5rem;white-space:normal;overflow-wrap:anywhere;font-size:.8rem}
"""
SCRIPT = """
function applyFilters(){
  var kinds=[].slice.call(document.querySelectorAll('input[name=kind]:checked')).map(function(e){return e.value});
  var source=document.getElementById('source').value;
  var shown=0;
  document.querySelectorAll('.finding').forEach(function(f){
    var ok=kinds.indexOf(f.dataset.kind)>=0 && (!source || (' '+f.dataset.sources+' ').indexOf(' '+source+' ')>=0);
    f.classList.toggle('hidden',!ok); if(ok){shown++;}
  });
  document.getElementById('shown').textContent=shown;
}
document.querySelectorAll('.filters input,.filters select').forEach(function(e){e.addEventListener('change',applyFilters)});
applyFilters();
"""


def to_html(report: Report, documents_text: dict[str, str]) -> str:
    """The page; ``documents_text`` maps document ids to their text, for claims in context."""
    run = report["run"]
    names = {s["id"]: s["name"] for s in report["sources"]}
    claims = {c["id"]: c for c in report["claims"]}
    title = f"verify report{': ' + run['story'] if run['story'] else ''}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)}</h1><div class=meta>Run <code>{escape(run['id'])}</code> · "
        f"{escape(run['started_at'])} · verify {escape(run['tool_version'])} · {len(report['documents'])} documents · "
        f"{len(report['claims'])} claims"
        + (f" · {report['dismissed']} dismissed finding(s) left out" if report.get("dismissed") else "")
        + "</div></header><main>",
    ]
    parts += _matrix(report)
    parts += _disputes(report)
    parts += _timelines(report)
    parts += _filters(report)
    for kind in KIND_ORDER:
        for f in (f for f in report["findings"] if f["kind"] == kind):
            parts.append(_finding(f, claims, names, documents_text))
    parts.append(
        "<details class=meta><summary>Run details</summary><p>models: "
        + escape(
            "; ".join(f"{m['name']} (sha256 {m['sha256'][:12]})" for m in cast(list[dict], run["models"]))
        )  # as JSON holds them
        + "</p><p>thresholds: "
        + escape(", ".join(f"{k}={v}" for k, v in run["thresholds"].items()))
        + "</p></details>"
    )
    parts.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _matrix(report: Report) -> list[str]:
    matrix = report["matrix"]
    if not matrix["rows"]:
        return []
    names = {s["id"]: s["name"] for s in report["sources"]}
    out = [
        "<h2>Coverage</h2>",
        '<div class="scroll"><table class="matrix coverage"><thead><tr><th class="claim-col">claim group</th>',
    ]
    out += [
        f'<th title="{escape(names.get(s, s))}"><span class="abbr">{escape(s)}</span></th>' for s in matrix["sources"]
    ]
    out.append("</tr></thead><tbody>")
    for row in matrix["rows"]:
        out.append(f'<tr><td class="claim-col">{escape(row["label"])}</td>')
        for s in matrix["sources"]:
            state = row["cells"][s]
            out.append(
                f'<td class="cell {state}" title="{escape(names.get(s, s))}: {CELL_WORDS[state]}">{CELL_SYMBOLS[state]}</td>'
            )
        out.append("</tr>")
    legend = " · ".join(f"{CELL_SYMBOLS[k]} {v}" for k, v in CELL_WORDS.items() if k != "none")
    out.append(f"</tbody></table></div><p class=meta>Legend: {escape(legend)}</p>")
    return out


def _disputes(report: Report) -> list[str]:
    shown = {f["id"] for f in report["findings"]}
    listed = [d for d in report["disputes"] if shown & set(d["findings"])]
    if not listed:
        return []
    out = [
        "<h2>Disputes</h2>",
        '<div class="scroll"><table class="matrix"><thead><tr><th>claim group</th>'
        "<th>stated by</th><th>contradicted by</th><th>findings</th></tr></thead><tbody>",
    ]
    for d in listed:
        links = " ".join(f'<a href="#{escape(f)}">{escape(f)}</a>' for f in d["findings"])
        out.append(
            f"<tr><td>{escape(d['label'])}</td><td>{escape(', '.join(d['stated_by']))}</td>"
            f"<td>{escape(', '.join(d['contradicted_by']))}</td><td>{links}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return out


def _timelines(report: Report) -> list[str]:
    told = timelines(report)
    if not told:
        return []
    out = [
        "<h2>Timelines</h2>",
        '<div class="scroll"><table class="matrix"><thead><tr><th>claim group</th><th>timeline: who said it first, '
        "who followed, who changed its account</th></tr></thead><tbody>",
    ]
    out += [f"<tr><td>{escape(g['label'])}</td><td>{escape(line)}</td></tr>" for g, line in told]
    out.append("</tbody></table></div>")
    return out


def _filters(report: Report) -> list[str]:
    counts = {k: sum(f["kind"] == k for f in report["findings"]) for k in KIND_ORDER}
    boxes = "".join(
        f'<label><input type=checkbox name=kind value="{k}" checked> {k} ({counts[k]})</label>' for k in KIND_ORDER
    )
    options = "".join(f'<option value="{escape(s["id"])}">{escape(s["name"])}</option>' for s in report["sources"])
    return [
        f"<h2>Findings (<span id=shown>{len(report['findings'])}</span> shown)</h2>",
        f'<div class="filters">{boxes}<label>source <select id="source"><option value="">all</option>'
        f"{options}</select></label></div>",
    ]


def _marked(text: str, spans: list[list[int]]) -> str:
    return mark_spans(text, spans, '<mark class="clash">', "</mark>", escape)


def _in_paragraph(claim: dict, spans: list[list[int]], documents_text: dict[str, str]) -> str:
    """The claim's sentence highlighted inside its paragraph."""
    text = documents_text.get(claim["document_id"], claim["text"])
    if text[claim["start"] : claim["end"]] != claim["text"]:
        return f'<mark class="claim-text">{_marked(claim["text"], spans)}</mark>'
    para_start = text.rfind("\n", 0, claim["start"]) + 1
    para_end = text.find("\n", claim["end"])
    para_end = len(text) if para_end < 0 else para_end
    return (
        f'<span class="para">{escape(text[para_start : claim["start"]])}<mark class="claim-text">'
        f"{_marked(claim['text'], spans)}</mark>{escape(text[claim['end'] : para_end])}</span>"
    )


def _claim(claim: dict, spans, names: dict, documents_text: dict) -> str:
    who = escape(names.get(claim["source"], claim["source"]))
    trace = (
        f"{escape(relay_chain(claim, names))} · document {escape(claim['document_id'])} · chars "
        f"{claim['start']}–{claim['end']} · {escape(claim['id'])}"
    )
    return (
        f'<div class="claim"><strong>{who}</strong><div>{_in_paragraph(claim, spans, documents_text)}</div>'
        f'<div class="trace">{trace}</div></div>'
    )


def _finding(f: Finding, claims: dict, names: dict, documents_text: dict) -> str:
    involved = " ".join(f["sources"] + f["omitted_by"])
    decision = ""
    if f["decision"]:
        d = f["decision"]
        decision = (
            f'<div class="decision">Reviewer {escape(d["reviewer"])}: {escape(d["decision"])}'
            + (f" — {escape(d['note'])}" if d["note"] else "")
            + "</div>"
        )
    cited = f["claims"][:2] if f["kind"] != "omission" else f["claims"][:3]
    body = "".join(_claim(claims[c], f["spans"].get(c, []), names, documents_text) for c in cited)
    layout = "claims" if f["kind"] != "omission" else ""
    omitted = ""
    if f["omitted_by"]:
        omitted = "<div><strong>Omitted by:</strong> " + escape(", ".join(names.get(s, s) for s in f["omitted_by"]))
        report = f["evidence"].get("negative_report")
        if report:
            omitted += f" — negative report cited: “{escape(report['text'])}”"
        omitted += "</div>"
    return (
        f'<section class="finding {f["kind"]}" data-kind="{f["kind"]}" data-sources="{escape(involved)}" '
        f'id="{escape(f["id"])}"><div><span class="kind">{f["kind"]}</span> · confidence '
        f"{f['confidence']:.2f} · <code>{escape(f['id'])}</code></div><p><strong>{escape(f.get('summary') or f['reason'])}</strong></p>"
        f'<div class="basis">{escape(confidence_basis(f))}</div>{omitted}'
        f'<div class="{layout}">{body}</div>{decision}</section>'
    )
