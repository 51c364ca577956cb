"""The retraining commands of the ``complaintmine`` CLI: ``suggest``, ``compare``, ``promote`` and
``train --base`` / ``--compare-to``. Like the other command modules, each command only parses, calls one library
function (retrain/) and formats; errors go through the CLI's ``handle_errors``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import output_shown
from . import BOM_HELP, BOM_WHY, SHEET_SUFFIXES, SharedFolder, _say, say_notes, write_json

MODEL_HELP = "'default' (the shipped model) or a model directory."


class Rule(StrEnum):
    """promote --require: retrain/promote.py's RULES (tested equal; that module is not imported at start-up), so
    that a bad value is a command-line error (exit code 2) before any work."""

    better = "better"
    not_worse = "not-worse"


def _model(name: str | Path | None) -> Any:
    from .. import load_model

    return load_model(name)  # None and "default" are the shipped model (model.defaults.model_directory)


def _labelled(data: Path, split: str | None = None, shared: Path | None = None) -> Any:
    """A corpus directory (like corpora/, its real texts from ``shared``), a labelled file, a filled sheet, or a
    folder of sheets."""
    from ..corpus.load import load_corpus

    corpus = load_corpus(data, shared)  # a corpus directory, or labelled files read as sheets are (corpus/labelled.py)
    say_notes(corpus.notes)
    return corpus.select(split=split) if split else corpus


def _print_comparison(comparison: Any, json_out: Path | None) -> None:
    typer.echo(comparison.format_table())
    if json_out is not None:
        write_json(json_out, comparison.to_dict(), "comparison")


def train_adapted(
    labels: Path,
    output: Path,
    base: str | None,
    anchor: Path | None,
    user_weight: int | None,
    compare_to: str | None,
    config: Path | None,
    shared: Path | None,
    seed: int | None,
    force: bool = False,
) -> None:
    """``train LABELS --base ...`` and/or ``--compare-to MODEL``."""
    from .. import TrainConfig, save_model, train_model
    from ..errors import TrainingError
    from ..retrain.adapt import adapt_model
    from ..retrain.compare import compare_models

    overrides: dict[str, Any] = {}
    if config is not None:
        try:
            overrides = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise TrainingError(f"{config}: cannot read training config: {exc}") from None
    if seed is not None:
        overrides["seed"] = seed
    corpus = _labelled(labels, shared=shared)
    held_out = corpus.select(split="test")
    if compare_to is not None and len(held_out) == 0:
        raise TrainingError(
            f"--compare-to needs held-out rows: mark some labelled rows of {labels} split=test "
            "(or run 'complaintmine compare' on other labelled data)"
        )
    other = _model(compare_to) if compare_to is not None else None  # fail on a bad model before training
    if base is not None:
        mine = len(corpus) - len(held_out)
        typer.echo(
            f"adapting {base} with {mine:,} labelled texts of yours ({len(held_out):,} more held out as split=test): "
            "reading its anchor corpus",
            err=True,
        )
        adapted = adapt_model(
            corpus,
            base,
            user_weight=user_weight,
            overrides=overrides,
            anchor_dir=anchor,
            shared=shared,
            progress=_say,
        )
        trained = adapted.model  # its notes were said as they came, before the training
        what = f"{adapted.n_anchor:,} anchor texts + {adapted.n_user:,} of yours x {adapted.user_weight}"
    else:
        from ..model.training import evaluate

        trained = train_model(corpus, TrainConfig.from_dict(overrides), progress=_say)
        if len(held_out):
            trained.manifest["metrics"]["test_user"] = evaluate(trained, held_out)
        what = f"{trained.manifest['corpus']['n_texts']:,} training texts"
    save_model(trained, output, force=force)  # with its model card
    typer.echo(f"wrote {output} ({what}, {trained.manifest['training_seconds']}s)", err=True)
    if other is not None:
        _print_comparison(compare_models(other, _model(output), held_out), None)


def register(app: typer.Typer, handle_errors: Callable[[Any], Any]) -> None:
    """Add suggest, compare and promote to ``app``."""

    @app.command("suggest")
    @handle_errors
    def suggest_cli(
        scored: Annotated[
            str,
            typer.Argument(
                metavar="SCORED",
                help="A file from 'complaintmine classify --keep-columns text' (or any table of texts, scored here).",
            ),
        ],
        output: Annotated[
            Path,
            typer.Option(
                "--output",
                "-o",
                metavar="FILE",
                help=f"Labelling sheet to write, its format by suffix: {SHEET_SUFFIXES}.",
            ),
        ] = Path("to_label.xlsx"),
        n: Annotated[int, typer.Option("-n", min=1, metavar="N", help="How many texts to suggest.")] = 200,
        text_column: Annotated[
            str, typer.Option("--text-column", metavar="COLUMN", help="Column holding the text.")
        ] = "text",
        id_column: Annotated[
            str | None,
            typer.Option("--id-column", metavar="COLUMN", help="Column copied to the sheet as id. Default: id or row."),
        ] = None,
        labelled: Annotated[
            list[Path] | None,
            typer.Option(
                "--labelled",
                metavar="PATH",
                help="Sheets or labelled files (or folders of them, subfolders included) already labelled: their "
                "texts and near-duplicates are never suggested. Repeatable.",
            ),
        ] = None,
        model: Annotated[
            Path | None,
            typer.Option(
                "--model", metavar="DIR", help="Score the texts with this model instead of using the file's p_ columns."
            ),
        ] = None,
        explore: Annotated[
            float, typer.Option("--explore", min=0, max=1, metavar="SHARE", help="Share of the sheet picked at random.")
        ] = 0.1,
        seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the random share.")] = 0,
        bom: Annotated[bool, typer.Option("--bom", help=BOM_HELP)] = False,
        force: Annotated[
            bool, typer.Option("--force", help="Write over a sheet at --output even when labels are filled in it.")
        ] = False,
    ) -> None:
        """Pick the texts most worth labelling and write a labelling sheet to fill in.

        Uncertain texts first, diverse, every label covered, a random share, and never a near-duplicate of a text
        already labelled (--labelled). The sheet has id, text, the model's labels, why it was picked, and empty
        labels / presale / note columns; 'train --base' reads it back as it is (rows left empty are skipped).

        \b
        Example: complaintmine classify examples/complaints.csv --id-column id --keep-columns text -o scored.csv
                 complaintmine suggest scored.csv -n 200 -o to_label.xlsx

        Later rounds: add --labelled with the folder of filled sheets, so that no text is suggested twice.
        """
        from ..corpus.labelled import labelled_files
        from ..io.tables import read_table
        from ..retrain.sheets import check_sheet, write_sheet
        from ..retrain.suggest import suggest_from_file

        files = labelled_files(labelled or [], recursive=True)
        # a usage error before the work; never over a file it reads, nor over a labeller's filled sheet
        check_sheet(output, bom, [scored, *files], keep_labels=not force)
        known: list[str] = []
        for path in files:
            frame = read_table(str(path))
            if "text" in frame.columns:
                known += frame["text"].astype(str).tolist()
        if files:
            say = f"excluding {len(known):,} labelled texts (and near-duplicates) of {len(files)} file(s)"
            typer.echo(say, err=True)
        sheet = suggest_from_file(
            scored, n, text_column, id_column, known, str(model) if model else None, explore=explore, seed=seed
        )
        written = write_sheet(sheet, output, bom)
        if sheet.empty:  # (its why column has no strings to split)
            typer.echo(
                f"wrote no texts to label to {output_shown(str(written))}: every text of {scored} is empty, an error "
                "row, or labelled already (or a near-duplicate of a labelled one)",
                err=True,
            )
            return
        counts = sheet["why"].str.split(" ").str[0].value_counts()
        typer.echo(
            f"wrote {len(sheet):,} texts to label to {output_shown(str(written))} ("
            + ", ".join(f"{count} {why}" for why, count in counts.items())
            + ")",
            err=True,
        )

    @app.command("compare")
    @handle_errors
    def compare_cli(
        model_a: Annotated[str, typer.Argument(metavar="MODEL_A", help=MODEL_HELP)],
        model_b: Annotated[str, typer.Argument(metavar="MODEL_B", help=MODEL_HELP)],
        data: Annotated[
            Path,
            typer.Argument(
                metavar="DATA",
                help="Labelled file, filled sheet, folder of sheets, or corpus directory (see --split).",
            ),
        ],
        split: Annotated[
            str | None, typer.Option("--split", metavar="SPLIT", help="Only rows whose split equals this (e.g. test).")
        ] = None,
        shared: SharedFolder = None,
        n_boot: Annotated[int, typer.Option("--n-boot", min=1, metavar="N", help="Bootstrap resamples.")] = 1000,
        seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the bootstrap.")] = 0,
        json_out: Annotated[
            Path | None,
            typer.Option(
                "--json",
                metavar="FILE",
                help="Also write the comparison as JSON to this file (- for standard output, after the table).",
            ),
        ] = None,
        disagreements: Annotated[
            Path | None,
            typer.Option(
                "--disagreements",
                metavar="FILE",
                help="Write the texts the two models decide differently: row, text, the labels given, A's and B's. "
                f"What to read before promoting. Its format by suffix: {SHEET_SUFFIXES}.",
            ),
        ] = None,
        bom: Annotated[
            bool,
            typer.Option(
                "--bom", help="Begin a CSV or TSV --disagreements file with a UTF-8 byte-order mark, " + BOM_WHY
            ),
        ] = False,
    ) -> None:
        """Compare two models on the same labelled data: per-label F1 with bootstrap intervals, and a verdict.

        Both models score every row; F1 per label, micro- and macro-F1 with 95% intervals from paired bootstrap
        resamples of the texts, the difference B - A with its interval, and a one-line verdict (B is better,
        A is better, or no clear difference, by the micro-F1 difference).

        \b
        Example: complaintmine compare default models/ours labels/holdout.xlsx
        """
        from ..errors import InputError
        from ..retrain.compare import compare_models
        from ..retrain.sheets import check_sheet, write_sheet

        if bom and disagreements is None:
            raise InputError("--bom", "only the --disagreements file takes it, and none is asked for")
        if disagreements is not None:
            check_sheet(disagreements, bom, [data], "--disagreements")  # before the scoring; never over the data
        corpus = _labelled(data, split, shared)
        comparison = compare_models(_model(model_a), _model(model_b), corpus, n_boot=n_boot, seed=seed)
        _print_comparison(comparison, json_out)
        if disagreements is not None:
            import pandas as pd

            columns = ["row", "text", "labels", "labels_a", "labels_b"]
            frame = pd.DataFrame(comparison.disagreements, columns=columns)
            written = output_shown(str(write_sheet(frame, disagreements, bom)))
            typer.echo(f"{len(comparison.disagreements):,} disagreements written to {written}", err=True)

    @app.command("promote")
    @handle_errors
    def promote_cli(
        candidate: Annotated[Path, typer.Argument(metavar="CANDIDATE", help="The newly trained model directory.")],
        data: Annotated[
            Path,
            typer.Argument(
                metavar="DATA", help="Held-out labelled data (file, sheet or folder of sheets) never trained on."
            ),
        ],
        models: Annotated[
            Path, typer.Option("--models", metavar="DIR", help="Models folder holding 'current' and runs.jsonl.")
        ] = Path("models"),
        require: Annotated[
            Rule,
            typer.Option(
                "--require",
                metavar="|".join(Rule),
                help="better: the micro-F1 gain's interval is above 0. "
                "not-worse: no lower micro-F1 and no label significantly worse.",
            ),
        ] = Rule.better,
        n_boot: Annotated[int, typer.Option("--n-boot", min=1, metavar="N", help="Bootstrap resamples.")] = 1000,
        baseline: Annotated[
            str | None,
            typer.Option(
                "--baseline",
                metavar="DIR",
                help="What to compare with while MODELS has no current model. Default: the shipped model.",
            ),
        ] = None,
        shared: SharedFolder = None,
    ) -> None:
        """Promote a model to MODELS/current only when it beats the current one on held-out labels; log the run.

        With no current model yet, the candidate is compared with --baseline (default: the shipped model). Every
        run appends a line to MODELS/runs.jsonl. Exit code 0 whether promoted or kept; the last line says which.
        A candidate trained on some of DATA's texts is not judged on them: exit code 7 (promotion refused).

        \b
        Example: complaintmine promote models/ours-20261206 labels/holdout.xlsx --models models
        """
        from ..model.defaults import is_default_model
        from ..retrain.promote import promote_model

        base = None if is_default_model(baseline) else baseline
        result = promote_model(
            candidate, models, _labelled(data, shared=shared), require=require.value, n_boot=n_boot, baseline=base
        )
        typer.echo(result.comparison.format_table())
        typer.echo(result.reason)
