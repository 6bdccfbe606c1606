"""`recoup reader`: rebuild the reader's model from its corpus, and measure it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from recoup.reader import corpus as corpus_files
from recoup.reader.model import MODEL_PATH

app = typer.Typer(no_args_is_help=True, help="The reader of customer replies: train and measure.")
console = Console()

CorpusOption = Annotated[
    Path, typer.Option("--corpus", help="The folder of labelled *.jsonl replies.")
]


@app.command()
def train(
    corpus: CorpusOption = corpus_files.CORPUS_DIR,
    output: Annotated[
        Path, typer.Option("--output", help="Where to write the model.")
    ] = MODEL_PATH,
    with_corrections: Annotated[
        bool,
        typer.Option("--with-corrections", help="Also learn from the readings people corrected."),
    ] = False,
    corrections: Annotated[
        Path | None, typer.Option("--corrections", help="The corrections file (JSONL).")
    ] = None,
) -> None:
    """Rebuild the model from the corpus's train split (thresholds from dev): same bytes."""
    from recoup.reader.train import train_bytes

    replies = corpus_files.load(corpus)
    if with_corrections:
        extra = corrections or corpus / corpus_files.CORRECTIONS_FILE
        if extra.exists():
            replies += corpus_files.read_corrections(extra)
    data = train_bytes(replies)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    console.print(f"wrote {output} ({len(data):,} bytes) from {len(replies):,} replies")


@app.command("corrections")
def corrections_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The JSONL file to write.")],
) -> None:
    """Write the readings people gave in reading cases as labelled replies (JSONL), for
    `recoup reader train --with-corrections --corrections FILE`."""
    from recoup.approvals.corrections import labelled_corrections
    from recoup.cli.workspace import open_workspace
    from recoup.ledger.db import session as open_session

    workspace = open_workspace(ctx.obj if isinstance(ctx.obj, Path) else None)
    with open_session(workspace.engine) as session:
        replies = labelled_corrections(session)
    lines = [reply.model_dump_json(by_alias=True, exclude_none=True) for reply in replies]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    console.print(f"wrote {len(lines)} corrected readings to {out}")


@app.command("eval")
def evaluate_command(
    split: Annotated[str, typer.Option("--split", help="train, dev or test.")] = "dev",
    corpus: CorpusOption = corpus_files.CORPUS_DIR,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the figures here.")
    ] = None,
) -> None:
    """Precision and recall per intent and language, promise dates and amounts, flags."""
    from recoup.reader.evaluate import evaluate

    try:
        chosen = corpus_files.Split(split)
    except ValueError:
        raise typer.BadParameter(f"unknown split {split!r}: train, dev or test") from None
    report = evaluate(corpus_files.of_split(corpus_files.load(corpus), chosen))
    if json_file:
        json_file.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    table = Table(title=f"reader on the {split} split ({report['replies']} replies)")
    for column in ("intent", "support", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "intent" else "right")
    for label, scores in report["per_intent"].items():
        table.add_row(label, *(str(scores[k]) for k in ("support", "precision", "recall", "f1")))
    console.print(table)
    for key in (
        "intent_macro_f1",
        "promise_date_exact",
        "promise_amount_exact",
        "dispute_reason_accuracy",
        "flag_recall",
        "false_flags",
        "footer_false_intents",
        "per_language",
    ):
        console.print(f"{key}: {report[key]}")


@app.command("crossval")
def crossval_command(
    corpus: CorpusOption = corpus_files.CORPUS_DIR,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the figures here.")
    ] = None,
) -> None:
    """Each author read by a model trained on the others (the test split left out)."""
    from recoup.reader.crossval import by_author

    report = by_author(corpus_files.load(corpus))
    if json_file:
        json_file.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    table = Table(title="reader, one author left out at a time")
    for column in ("held out", "replies", "macro-F1", "promise date", "promise amount"):
        table.add_column(column, justify="right")
    for author, figures in report["authors"].items():
        table.add_row(
            author,
            str(figures["replies"]),
            *(str(figures[key]) for key in ("intent_macro_f1", "promise_date_exact",
                                            "promise_amount_exact")),
        )  # fmt: skip
    mean = report["mean"]
    table.add_row("mean", "", *(str(mean[key]) for key in mean))
    console.print(table)
    console.print(f"mean F1 per intent: {report['mean_f1_per_intent']}")
