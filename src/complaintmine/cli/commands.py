"""The model and corpus commands: train, evaluate, corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import SharedFolder, _say, app, handle_errors, say_notes, write_json


@app.command("train")
@handle_errors
def train_cli(
    corpus: Annotated[
        Path,
        typer.Argument(
            metavar="CORPUS",
            help="Corpus directory (like corpora/) or your labels: file, filled sheet or folder (docs/retraining.md).",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="Model directory to write (created).")],
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE", help="JSON file of TrainConfig fields (model, C, features, seed...)."),
    ] = None,
    shared: Annotated[
        Path | None,
        typer.Option(
            "--shared",
            metavar="DIR",
            help="The shared data folder holding corpora/real_reviews.csv. Default: ../shared beside the repository, or $COMPLAINTMINE_SHARED.",
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", metavar="N", help="Override the config's seed.")] = None,
    comparison: Annotated[
        Path | None,
        typer.Option(
            "--comparison",
            metavar="FILE",
            help="A comparison to show in the model card: results of experiments/compare.py (comparison.json), or the rows experiments/card_comparison.py gathers (card_comparison.json, the default model's).",
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="MODEL",
            help="Adapt this model ('default' or a model directory) with the labels instead of training from them alone: CORPUS is then a labelled file, a filled sheet from 'suggest' or a folder of them.",
        ),
    ] = None,
    anchor: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            metavar="CORPUS",
            help="With --base: the corpus the base was trained on. Default: found from the base.",
        ),
    ] = None,
    user_weight: Annotated[
        int | None,
        typer.Option(
            "--user-weight",
            min=1,
            metavar="N",
            help="With --base: times each of your rows counts. Default: chosen from the sizes.",
        ),
    ] = None,
    compare_to: Annotated[
        str | None,
        typer.Option(
            "--compare-to",
            metavar="MODEL",
            help="After training, compare with this model ('default' or a directory) on the labels' split=test rows.",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="NAME",
            help="Model name, shown in summaries and reports. Default: the config's, else the output folder's name (my-model).",
        ),
    ] = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            metavar="VERSION",
            help="Model version. Default: the config's, else from a folder named like name-1.2.0, else 0.1.0.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing model directory (refused without it).")
    ] = False,
) -> None:
    """Train a model on the corpus's train split and write a model directory with manifest and model card.

    Test splits in the corpus are scored after training and reported; they are never trained or tuned on.
    A label with fewer than 10 training examples gets a warning. What each label means: complaintmine labels.
    On the project corpus the default configuration takes about 5 minutes on 2 cores, most of it the boosted
    trees; a --config file holding {"forest": "none"} trains a linear model in under a minute.

    \b
    Example: complaintmine train corpora -o models/my-model
    Adapt the shipped model with your labels: complaintmine train to_label.xlsx --base default -o models/ours
    """
    if base is not None or compare_to is not None:
        from ..model.artifact import check_model_target
        from .retrain_commands import train_adapted

        check_model_target(output, force)
        train_adapted(corpus, output, base, anchor, user_weight, compare_to, config, shared, seed, force)
        return
    from ..model.training import read_train_config, train_to_directory

    settings = read_train_config(config, seed, name=name, version=version, output=output)
    trained = train_to_directory(corpus, output, settings, shared, comparison, progress=_say, force=force)
    for warning in trained.manifest.get("warnings", []):
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"wrote {output}: {trained.name} {trained.version} ({trained.manifest['corpus']['n_texts']:,} training texts, "
        f"{trained.manifest['training_seconds']}s)",
        err=True,
    )
    from ..model.evaluation import figure, macro_scope  # scikit-learn: imported by training anyway, not at start-up

    for part, metrics in trained.manifest["metrics"].items():
        if part != "train":
            typer.echo(
                f"{part}: micro-F1 {figure(metrics, 'micro_f1')}, macro-F1{macro_scope(metrics)} {figure(metrics, 'macro_f1')}, "
                f"presale accuracy {metrics['presale_accuracy']:.3f} on {metrics['n_texts']:,} texts",
                err=True,
            )


@app.command("evaluate")
@handle_errors
def evaluate_cli(
    model_dir: Annotated[
        Path, typer.Argument(metavar="MODEL_DIR", help="Model directory, or 'default' for the shipped model.")
    ],
    data: Annotated[
        Path,
        typer.Argument(
            metavar="DATA",
            help="Labelled CSV/TSV/JSONL/XLSX file or sheet (text, labels[, presale, split]), a folder, or a corpus.",
        ),
    ],
    split: Annotated[
        str | None,
        typer.Option("--split", metavar="SPLIT", help="Only rows whose split column equals this (e.g. test)."),
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", metavar="ORIGIN", help="Corpus directories only: 'real' or 'team' rows.")
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json",
            metavar="FILE",
            help="Also write the metrics as JSON to this file (- for standard output, after the table).",
        ),
    ] = None,
    shared: SharedFolder = None,
) -> None:
    """Print per-label precision, recall and F1, micro- and macro-F1 and presale accuracy (--json: also to a file).

    The metrics go to standard output; --json also writes them to a file. The project corpus's real texts
    (--origin real) need the research-only ../shared/corpora/real_reviews.csv (see --shared).

    With --split contrast, score the contrast set (corpora/contrast_set.csv, or DATA itself when it is a
    contrast-set file): accuracy on complaint and non-complaint variants, per spec rule, register and variant.

    \b
    Example: complaintmine evaluate default corpora --split test --origin real
    """
    from ..corpus.load import load_corpus
    from ..model.artifact import load_model
    from ..model.defaults import model_directory
    from ..model.evaluation import format_metrics
    from ..model.training import evaluate

    loaded = load_model(model_directory(model_dir))
    if split == "contrast":
        from ..model.contrast import contrast_report, format_contrast_report, load_contrast_set

        report = contrast_report(loaded, load_contrast_set(data))
        typer.echo(format_contrast_report(report))
        if json_out is not None:
            write_json(json_out, report, "contrast-set report")
        return
    corpus = load_corpus(data, shared)
    say_notes(corpus.notes)  # rows skipped, presale taken as 0, ...: what the figures rest on
    selected = corpus.select(split=split, origin=origin)
    metrics = evaluate(loaded, selected)
    typer.echo(format_metrics(metrics))
    from ..retrain.compare import trained_on

    seen = trained_on(loaded, selected)  # as compare warns: a model scored on its own training texts
    if seen:
        _say(
            f"warning: {loaded.name} {loaded.version} was trained on {seen:,} of these {len(selected.texts):,} texts: "
            "its figures on them are not a held-out measurement (score texts it did not train on, e.g. --split test)"
        )
    if json_out is not None:  # saying what was scored on what, so saved evaluations can be told apart
        about = dict(
            model=f"{loaded.name} {loaded.version} ({loaded.path})", data=str(data), split=split, origin=origin
        )
        write_json(json_out, {**about, **metrics, "trained_on": seen}, "metrics")


@app.command("corpus")
@handle_errors
def corpus_cli(
    directory: Annotated[
        Path, typer.Argument(metavar="DIRECTORY", help="Corpus directory holding team_written.csv and real_labels.csv.")
    ] = Path("corpora"),
    shared: SharedFolder = None,
) -> None:
    """Validate a corpus directory and print per-label counts by origin and split.

    Checks labels, presale and split values, duplicate and near-duplicate texts, 10-character phrases shared by
    team-written texts, text hashes against the shared pool, and near-duplicates that straddle the split.

    \b
    Example: complaintmine corpus corpora
    """
    from ..corpus.check import check_corpus
    from ..errors import CorpusError

    report = check_corpus(directory, shared, progress=lambda message: typer.echo(message + " ...", err=True))
    typer.echo(report.counts.to_string(index=False))
    say_notes(report.notes)
    for problem in report.problems:
        typer.echo(f"problem: {problem}", err=True)
    if not report.ok:
        raise CorpusError(f"{len(report.problems)} problem(s) in {directory}")
    typer.echo(f"{directory}: no problems found", err=True)
