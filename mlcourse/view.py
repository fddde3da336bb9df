"""The one view layer: how outcomes, hints and solutions look in a notebook and in a console."""

from __future__ import annotations

import html

from mlcourse.outcomes import COLOURS, CORRECT, symbol


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def outcome_text(exercise_id: str, status: str, message: str = "") -> str:
    line = f"{symbol(status)} {exercise_id} {status}"
    return f"{line}: {message}" if message else line


def outcome_html(exercise_id: str, title: str, status: str, message: str = "") -> str:
    colour = COLOURS.get(status, "#57606a")
    body = f": {html.escape(message)}" if message else ""
    return (
        f'<div style="border-left:4px solid {colour};padding:2px 8px">'
        f'<b style="color:{colour}">{symbol(status)} {html.escape(exercise_id)} '
        f"{status}</b> &mdash; {html.escape(title)}{body}</div>"
    )


def show(markdown_text: str, plain_text: str) -> None:
    """Display Markdown in a notebook, plain text elsewhere."""
    if in_notebook():
        from IPython.display import Markdown, display

        display(Markdown(markdown_text))
    else:
        print(plain_text)


def show_correct(exercise_id: str, title: str) -> None:
    if in_notebook():
        from IPython.display import HTML, display

        display(HTML(outcome_html(exercise_id, title, CORRECT)))
    else:
        print(outcome_text(exercise_id, CORRECT))


def show_hint(exercise_id: str, number: int, total: int, text: str) -> None:
    label = f"Hint {number} of {total} for {exercise_id}"
    show(f"**{label}:** {text}", f"{label}: {text}")


def show_solution(exercise_id: str, code: str) -> None:
    show(
        f"**Reference solution for {exercise_id}:**\n```python\n{code}```",
        f"Reference solution for {exercise_id}:\n{code}",
    )
