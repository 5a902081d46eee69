"""Replaying a recorded run: the same inputs through today's models, and what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from verify.compare.judge import judge_model_info
from verify.compare.stance import stance_model_info
from verify.compare.story import compare
from verify.errors import VerifyError
from verify.models.embedder import embedding_model_info
from verify.models.nli import NLI_DIR, NLIModel, current_nli_model_info
from verify.records import ModelInfo, Thresholds
from verify.store.inputs import changed_inputs, current_hashes
from verify.store.runs import brief_finding, changed_fields, run, run_findings

# What each recorded model role is now, for replay to compare against.
CURRENT_MODELS: dict[str, Callable[[], ModelInfo]] = {
    "embedding": embedding_model_info,
    "nli": current_nli_model_info,
    "judge": judge_model_info,
    "stance": stance_model_info,
}


def replay(store, run_id: str, embedder=None) -> dict:
    """Re-run a report with its recorded thresholds on its recorded inputs, every pair judged
    again; say whether the findings come out the same and which models changed since."""
    record = run(store, run_id)
    if record["status"] != "complete":
        raise VerifyError(f"run {run_id} is {record['status']}, not complete: there is nothing to replay")
    if record["command"] != "report":
        raise VerifyError(
            f"run {run_id} is a {record['command']} run; replay re-runs report runs (drafts are not stored)"
        )
    inputs_changed = changed_inputs(record["inputs"], current_hashes(store, [i["id"] for i in record["inputs"]]))
    changed_models, nli_model = [], None
    for model in record["models"]:
        if model["role"] == "nli" and model["path"] != str(NLI_DIR):  # a newsroom's own folder
            nli_model = NLIModel.from_folder(model["path"]) if Path(model["path"]).is_dir() else None
            current = nli_model.info.sha256 if nli_model else None
        else:
            current = CURRENT_MODELS[model["role"]]().sha256
        if current != model["sha256"]:
            changed_models.append(
                {"role": model["role"], "name": model["name"], "recorded": model["sha256"], "current": current}
            )
    for role in ("nli", "judge"):  # a run recorded before the judge: its findings rest on other models
        if role not in {m["role"] for m in record["models"]}:
            now = CURRENT_MODELS[role]()
            changed_models.append({"role": role, "name": now.name, "recorded": None, "current": now.sha256})
    thresholds = Thresholds(**record["thresholds"])
    claims = store.claims(documents=[i["id"] for i in record["inputs"]])
    if not claims:
        raise VerifyError(f"no input of run {run_id} is stored any more: nothing to replay")
    result = compare(store, thresholds=thresholds, embedder=embedder, nli_model=nli_model, claims=claims, reuse=False)
    before = {f["id"]: f for f in run_findings(store, run_id)}
    after = {f["id"]: f for f in result.findings}
    fields = {f: changed_fields(before[f], after[f]) for f in sorted(before.keys() & after.keys())}
    changed = [f for f, differ in fields.items() if differ]
    return {
        "run": run_id,
        "same": before.keys() == after.keys() and not changed,
        "findings": len(after),
        "models_changed": changed_models,
        "inputs_changed": inputs_changed,
        "appeared": [brief_finding(after[f]) for f in sorted(after.keys() - before.keys())],
        "disappeared": [brief_finding(before[f]) for f in sorted(before.keys() - after.keys())],
        "changed": changed,
        "changed_fields": {f: fields[f] for f in changed},
    }
