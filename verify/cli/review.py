"""The desk's decisions: `review`, and `export claimreview` to publish them."""

from __future__ import annotations

import json

import click

from verify.cli import State, cli, pass_state
from verify.cli.options import RatingChoice, output_options, output_path, print_json, write_output
from verify.output import one_line
from verify.records import RATINGS


@cli.command("review")
@click.argument("finding", metavar="FINDING")
@click.option("--confirm", is_flag=True, help="The finding is right.")
@click.option("--dismiss", is_flag=True, help="The finding is wrong or irrelevant.")
@click.option("--escalate", is_flag=True, help="Needs a senior editor or more reporting.")
@click.option("--note", required=True, help="Why: what the reviewer checked.")
@click.option("--reviewer", metavar="NAME", help="Who decides (default: the OS user).")
@click.option(
    "--rating",
    type=RatingChoice(RATINGS),
    help="The desk's rating of the claim, for a published fact-check (see `verify export claimreview`).",
)
@click.option("--url", metavar="URL", help="Where the fact-check is published (with --rating).")
@click.option("--claim", metavar="CLAIM", help="Which of the finding's claims is rated (default: its first).")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded decision as JSON.")
@pass_state
def review_command(
    state: State, finding, confirm, dismiss, escalate, note, reviewer, rating, url, claim, as_json
) -> None:
    """Record a reviewer's decision on a finding (see the ids in `verify report`).

    A later decision on the same finding supersedes the earlier one in reports; both stay in
    the audit log. With --rating (and --url of the published fact-check) the decision rates one
    of the finding's claims: `verify export claimreview` publishes it as schema.org ClaimReview.

    \b
    Examples:
      verify review f-2ba721069f31 --confirm --note "AFP photos show rebels in the town centre"
      verify review f-2ba721069f31 --confirm --rating false --claim a894bf676746.1 \\
          --url https://factcheck.example/saraqeb --note "SANA's claim contradicted by AFP photos"
    """
    from verify.store.decisions import record_decision

    chosen = [name for name, flag in (("confirm", confirm), ("dismiss", dismiss), ("escalate", escalate)) if flag]
    if len(chosen) != 1:
        raise click.UsageError("choose exactly one of --confirm, --dismiss or --escalate")
    decision = chosen[0]
    row = record_decision(
        state.store(create=False), finding, decision, note, reviewer, rating=rating, url=url, claim=claim
    )
    if as_json:
        print_json(row)
    else:
        click.echo(one_line(f"{row['decision']} recorded on {finding} by {row['reviewer']} ({row['id']})"), err=True)


@cli.group("export")
def export_group() -> None:
    """Publish what the desk decided, in formats other tools read.

    \b
    Example:
      verify export claimreview --story saraqeb --organisation "Desk Check" -o saraqeb.jsonld
    """


@export_group.command("claimreview")
@click.option("--story", metavar="NAME", help="Only claims of this story.")
@click.option("--run", "run_id", metavar="RUN", help="Only findings of this run.")
@click.option(
    "--organisation",
    envvar="VERIFY_ORGANISATION",
    metavar="NAME",
    default="",
    show_envvar=True,
    help="The fact-checking organisation that publishes the reviews.",
)
@output_options("JSON-LD file to write.", default="-", show_default=True)
@pass_state
def export_claimreview(state: State, story, run_id, organisation, output, force) -> None:
    """Rated decisions as schema.org ClaimReview JSON-LD: a JSON array, one ClaimReview per
    rated claim (the latest decision on each finding), with the claim's author (its source), where
    it appeared (the outlet's document, URL and date), the rating and the reviewing organisation.

    \b
    Examples:
      verify review f-2ba721069f31 --confirm --rating false --url https://factcheck.example/a --note "..."
      VERIFY_ORGANISATION="Desk Check" verify export claimreview --story saraqeb -o saraqeb.jsonld
    """
    from verify.views.claimreview import claim_reviews

    target = output_path(state, output, force)
    reviews = claim_reviews(state.store(create=False), organisation, story=story, run=run_id)
    write_output(json.dumps(reviews, indent=2, ensure_ascii=False) + "\n", target)
    if target is not None:
        click.echo(f"{len(reviews)} ClaimReview object(s)", err=True)
