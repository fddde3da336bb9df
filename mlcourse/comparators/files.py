"""Files the learner writes: SQL queries, Dockerfiles, YAML, JSON, text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mlcourse import compare
from mlcourse.comparators.base import Comparator, _raised

# --- files: SQL, Dockerfiles, YAML, JSON -------------------------------------------------------------


def _text_of(name: str, value: Any) -> str:
    """A file's text from a string holding it, or from a ``pathlib.Path`` to it (a plain
    string is always the text itself)."""
    from pathlib import Path

    if isinstance(value, Path):
        if not value.is_file():
            raise ValueError(f"`{name}` is the path {str(value)!r}, but no such file exists.")
        return value.read_text(encoding="utf-8")
    if not isinstance(value, str):
        raise ValueError(
            f"`{name}` should be a string (the file's text), got {compare.type_name(value)}."
        )
    return value


@dataclass(frozen=True)
class SqlQuery(Comparator):
    """A SQL query (a string), run on a fresh in-memory SQLite database made by ``setup`` (a
    SQL script, or a function given the connection); its result table is compared with the
    reference query's. Rows are compared as a set unless ``ordered`` (an ORDER BY matters)."""

    setup: Any
    ordered: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9

    def observe(self, name, value):
        import sqlite3

        import pandas as pd

        try:
            query = _text_of(name, value)
        except ValueError as err:
            return {"error": str(err)}
        connection = sqlite3.connect(":memory:")
        try:
            if callable(self.setup):
                self.setup(connection)
            else:
                connection.executescript(self.setup)
            table = pd.read_sql_query(query, connection)
        except Exception as err:  # noqa: BLE001 - the learner's SQL failed: say how
            return {"error": f"running `{name}` failed: {_raised(err)}"}
        finally:
            connection.close()
        if not self.ordered and len(table.columns) and table.columns.is_unique:
            try:
                table = table.sort_values(list(table.columns), kind="stable")
            except TypeError:  # a column mixes types (ints and text): order rows by their text
                table = table.iloc[table.astype(str).apply(tuple, axis=1).argsort(kind="stable")]
            table = table.reset_index(drop=True)
        return {"table": table}

    def diff(self, name, observed, expected):
        if "error" in observed:
            return observed["error"]
        reason = compare.diff_frames(
            f"the result of {name}", observed["table"], expected["table"], self.rtol, self.atol
        )
        return reason and reason.replace("`the result of ", "the result of `", 1)


@dataclass(frozen=True)
class Rule:
    """One requirement on a parsed file: ``passes(document)`` is true when it is met; ``message``
    says what to fix (``{name}`` is the checked name)."""

    message: str
    passes: Callable[[Any], bool]


DOCKERFILE_INSTRUCTIONS = frozenset(
    ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL")
    + ("MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")
)


def parse_dockerfile(text: str) -> list[list[str]]:
    """[[INSTRUCTION, arguments], ...], continuation lines joined, comments dropped (Docker
    drops comment and empty lines inside a continued instruction too)."""
    instructions, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line = (pending + line).strip()
        pending = ""
        keyword, _, arguments = line.partition(" ")
        if not keyword.isalpha():
            raise ValueError(f"{line[:40]!r} does not start with an instruction such as FROM")
        if keyword.upper() not in DOCKERFILE_INSTRUCTIONS:
            raise ValueError(
                f"{keyword.upper()!r} is not a Dockerfile instruction (in {line[:40]!r}): did the "
                "line before it forget its `\\`?"
            )
        instructions.append([keyword.upper(), arguments.strip()])
    if pending:
        raise ValueError("the last line ends with `\\` but nothing follows it")
    if not instructions or instructions[0][0] not in ("FROM", "ARG"):
        raise ValueError("a Dockerfile must start with FROM (or ARG before FROM)")
    return instructions


def _parse_yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def _parse_json(text: str) -> Any:
    import json

    return json.loads(text)


PARSERS: dict[str, Callable[[str], Any]] = {
    "dockerfile": parse_dockerfile,
    "yaml": _parse_yaml,
    "json": _parse_json,
    "text": str,
}


@dataclass(frozen=True)
class Document(Comparator):
    """A file the learner writes (its text, or a path to it): parsed as ``kind`` (dockerfile,
    yaml, json or text), then every ``Rule`` must hold. The reference solution must pass the
    same rules (the test suite proves it)."""

    kind: str
    rules: Sequence[Rule]

    def __post_init__(self):
        if self.kind not in PARSERS:
            raise ValueError(
                f"Document kind should be one of {sorted(PARSERS)}, got {self.kind!r}."
            )

    def observe(self, name, value):
        try:
            text = _text_of(name, value)
        except ValueError as err:  # not text, or a path to no file
            return {"error": str(err)}
        try:
            return {"document": PARSERS[self.kind](text)}
        except Exception as err:  # noqa: BLE001 - a file that does not parse: say why
            return {"error": f"`{name}` is not a valid {self.kind} file: {err}"}

    def failed_rule(self, observed) -> int | None:
        for index, rule in enumerate(self.rules):
            try:
                if not rule.passes(observed["document"]):
                    return index
            except Exception:  # noqa: BLE001 - a rule that cannot read the document fails
                return index
        return None

    def diff(self, name, observed, expected):
        if "error" in observed:
            return observed["error"]
        index = self.failed_rule(observed)
        return None if index is None else self.rules[index].message.format(name=name)

    def matches(self, observed, recorded):
        if "error" in observed or "error" in recorded:
            return ("error" in observed) == ("error" in recorded)
        return self.failed_rule(observed) == self.failed_rule(recorded)
