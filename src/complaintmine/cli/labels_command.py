"""The ``labels`` command: what each label means, from the package itself (label_guide.py)."""

from __future__ import annotations

import typer

from . import app, handle_errors

WIDTH = 100


def _paragraph(text: str, first: str = "  ", rest: str = "  ") -> str:
    from ..text.width import fill

    return fill(text, WIDTH, first, rest)


@app.command("labels")
@handle_errors
def labels_cli() -> None:
    """Print what each label means: its name in files, its Chinese name, what it covers and what it does not.

    The names are what classify writes in the labels column and what labelled files for train, evaluate and
    compare hold (the Chinese names are accepted there too). The long form, with examples of each side and the
    borderline decisions, is docs/labels.md in complaintmine's source repository.

    \b
    Example: complaintmine labels
    """
    from ..label_guide import label_guide

    guide = label_guide()
    blocks = []
    for label in guide.labels:
        lines = [f"{label.name} {label.chinese}: {label.summary}", _paragraph(label.means)]
        if label.not_meant:
            instead = "; ".join(f"{what} ({name})" for what, name in label.not_meant)
            lines.append(_paragraph(f"Not {label.name}: {instead}."))
        blocks.append("\n".join(lines))
    rules = "\n".join(_paragraph(rule, "  - ", "    ") for rule in guide.rules)
    blocks.append("How a text is labelled:\n" + rules)
    blocks.append("presale (1/0):\n" + _paragraph(guide.presale))
    blocks.append(
        _paragraph(
            "The long form, with examples of each side and the borderline decisions: docs/labels.md in "
            "complaintmine's source repository.",
            "",
            "",
        )
    )
    typer.echo("\n\n".join(blocks))
