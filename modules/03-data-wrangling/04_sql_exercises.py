"""Exercises of 04_sql.ipynb: joins and empty groups, GROUP BY ... HAVING, ranks with ties, LAG,
and a parameterised query function, all run on the penguins
database the notebook builds, plus its made-up TEST_ROWS."""

import ast
import functools
import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from mlcourse.exercise import Exact, Exercise, Function, SqlQuery, WrongAnswer
from mlcourse.layout import data_file

# --- the database: the notebook's own definitions, read from it -------------------------------
# One source: the checks build their database with the code of the notebook's lesson cells
# (SCHEMA, penguin_tables, create_database) and add the notebook's TEST_ROWS, so the lesson and
# the checks cannot drift apart. Only top-level definitions of these names are run, never a cell.

NOTEBOOK = Path(__file__).with_name("04_sql.ipynb")
LESSON_NAMES = ("SCHEMA", "TEST_ROWS", "penguin_tables", "create_database")


def _defined_name(node: ast.stmt) -> str | None:
    if isinstance(node, ast.FunctionDef):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


@functools.lru_cache(maxsize=1)
def lesson_definitions() -> dict:
    """The objects the notebook's code cells define under LESSON_NAMES, each defined once."""
    namespace = {"np": np, "pd": pd}
    found: list[str] = []
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # a cell with IPython syntax defines nothing the checks need
            continue
        for node in tree.body:
            name = _defined_name(node)
            if name in LESSON_NAMES:
                found.append(name)
                module = ast.Module(body=[node], type_ignores=[])
                exec(compile(module, str(NOTEBOOK), "exec"), namespace)  # noqa: S102 - the lesson
    if sorted(found) != sorted(LESSON_NAMES):
        raise RuntimeError(
            f"{NOTEBOOK.name} should define each of {LESSON_NAMES} once in a code cell, found "
            f"{sorted(found)}: restore the lesson cells that build the database."
        )
    return namespace


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, pd.DataFrame]:
    return lesson_definitions()["penguin_tables"](pd.read_csv(data_file("penguins_raw.csv")))


def check_database(connection: sqlite3.Connection) -> None:
    """Fill an empty database as the lesson does, then add the notebook's TEST_ROWS (the setup
    of every check): made-up rows with the cases the real data lacks."""
    lesson = lesson_definitions()
    lesson["create_database"](connection, _tables())
    connection.executescript(lesson["TEST_ROWS"])


class _FreshDatabase:
    """A case argument of 03.04.5: each call gets its own new connection to a fresh copy of the
    penguins database (the check deep-copies every argument), so a call that changes the data
    cannot affect the next one. Its repr is stable, so messages read the same everywhere."""

    def __deepcopy__(self, memo):
        connection = sqlite3.connect(":memory:")
        check_database(connection)
        return connection

    def __repr__(self):
        return "<penguins database + test rows>"


_DB = _FreshDatabase()
_HEAVY_CASES = [
    dict(connection=_DB, species="Adelie", min_mass_g=4700),  # one penguin weighs exactly 4700 g
    dict(
        connection=_DB, species="Gentoo", min_mass_g=6000
    ),  # three at 6000 g, one a test row: order by id
    dict(connection=_DB, species="Chinstrap", min_mass_g=5000),  # none that heavy
    dict(connection=_DB, species="Emperor", min_mass_g=0),  # no such species here
    dict(connection=_DB, species="Adelie' OR 'x'='x", min_mass_g=4700),  # an injection attempt
    dict(connection=_DB, species="Gentoo", min_mass_g=5812.5),  # a float threshold
    dict(connection=_DB, species="Adelie", min_mass_g="0 OR 1=1"),  # a number as injected text
    dict(connection=_DB, species="x' OR 1=1 --\"", min_mass_g=0),  # both quotes: beats repr()
]

# --- the reference queries ----------------------------------------------------------------------

_PAIR_COUNTS = """
    pair_counts = '''
        SELECT s.name AS species, i.name AS island,
               COUNT(DISTINCT n.nest_id) AS nests,
               COUNT(p.body_mass_g) AS weighed
        FROM species AS s
        CROSS JOIN islands AS i
        LEFT JOIN nests AS n ON n.species_id = s.species_id AND n.island_id = i.island_id
        LEFT JOIN penguins AS p ON p.nest_id = n.nest_id
        GROUP BY s.name, i.name
    '''
"""
_HEAVY_GROUPS = """
    heavy_groups = '''
        SELECT s.name AS species, p.sex,
               COUNT(p.body_mass_g) AS weighed,
               AVG(p.body_mass_g) / 1000 AS mean_kg
        FROM penguins AS p
        JOIN nests AS n ON n.nest_id = p.nest_id
        JOIN species AS s ON s.species_id = n.species_id
        WHERE p.sex IS NOT NULL
        GROUP BY s.name, p.sex
        HAVING AVG(p.body_mass_g) > 4000
    '''
"""
_HEAVIEST_THREE = """
    heaviest_three = '''
        SELECT species, sex, penguin_id, body_mass_g
        FROM (
            SELECT s.name AS species, p.sex, p.penguin_id, p.body_mass_g,
                   RANK() OVER (PARTITION BY s.name, p.sex
                                ORDER BY p.body_mass_g DESC) AS place
            FROM penguins AS p
            JOIN nests AS n ON n.nest_id = p.nest_id
            JOIN species AS s ON s.species_id = n.species_id
            WHERE p.sex IS NOT NULL
        )
        WHERE place <= 3
    '''
"""
_SEASON_CHANGE = """
    season_change = '''
        SELECT s.name AS species, n.season,
               AVG(p.body_mass_g) AS mean_mass_g,
               AVG(p.body_mass_g) - LAG(AVG(p.body_mass_g))
                   OVER (PARTITION BY s.name ORDER BY n.season) AS change_g
        FROM penguins AS p
        JOIN nests AS n ON n.nest_id = p.nest_id
        JOIN species AS s ON s.species_id = n.species_id
        GROUP BY s.name, n.season
    '''
"""


def _sub(code: str, *pairs: tuple[str, str]) -> str:
    """The reference code with each (old, new) text replaced, failing loudly if one is absent."""
    for old, new in pairs:
        if old not in code:
            raise ValueError(f"{old!r} is not in the reference code; update the wrong answer.")
        code = code.replace(old, new)
    return code


_INNER_PAIRS = """
    pair_counts = '''
        SELECT s.name AS species, i.name AS island,
               COUNT(DISTINCT n.nest_id) AS nests,
               COUNT(p.body_mass_g) AS weighed
        FROM nests AS n
        JOIN species AS s ON s.species_id = n.species_id
        JOIN islands AS i ON i.island_id = n.island_id
        JOIN penguins AS p ON p.nest_id = n.nest_id
        GROUP BY s.name, i.name
    '''
"""
_INT_DIVISION = _sub(
    _HEAVY_GROUPS,
    ("AVG(p.body_mass_g) / 1000", "SUM(p.body_mass_g) / COUNT(p.body_mass_g) / 1000"),
    ("HAVING AVG(p.body_mass_g) > 4000", "HAVING mean_kg > 4"),
)
_F_STRING_MESSAGE = (
    "Did you put the values into the SQL text with an f-string, `.format` or `+`? The check "
    "called `{{name}}` with the species `Adelie' OR 'x'='x`, and the quote in it ended your "
    "string literal, so the rest ran as SQL: {effect}. Write a `?` where each value goes and "
    "pass the values separately: `connection.execute(sql, (species, min_mass_g))`."
)
_F_STRING = '''
    def heavy_penguins(connection, species, min_mass_g):
        sql = f"""
            SELECT p.penguin_id, p.body_mass_g
            FROM penguins AS p
            JOIN nests AS n ON n.nest_id = p.nest_id
            JOIN species AS s ON s.species_id = n.species_id
            WHERE s.name = '{species}' AND p.body_mass_g >= {min_mass_g}
            ORDER BY p.body_mass_g DESC, p.penguin_id
        """
        return connection.execute(sql).fetchall()
'''
_HEAVIER_COUNT = """
    heaviest_three = '''
        SELECT s.name AS species, p.sex, p.penguin_id, p.body_mass_g
        FROM penguins AS p
        JOIN nests AS n ON n.nest_id = p.nest_id
        JOIN species AS s ON s.species_id = n.species_id
        WHERE p.sex IS NOT NULL
          AND (SELECT COUNT(*)
               FROM penguins AS q
               JOIN nests AS m ON m.nest_id = q.nest_id
               WHERE m.species_id = n.species_id AND q.sex = p.sex
                 AND q.body_mass_g > p.body_mass_g) < 3
    '''
"""
_HEAVY_PENGUINS = '''
    def heavy_penguins(connection, species, min_mass_g):
        """(penguin_id, body_mass_g) of the penguins of `species` weighing at least `min_mass_g`."""
        sql = """
            SELECT p.penguin_id, p.body_mass_g
            FROM penguins AS p
            JOIN nests AS n ON n.nest_id = p.nest_id
            JOIN species AS s ON s.species_id = n.species_id
            WHERE s.name = ? AND p.body_mass_g >= ?
            ORDER BY p.body_mass_g DESC, p.penguin_id
        """
        return connection.execute(sql, (species, min_mass_g)).fetchall()
'''

EXERCISES = [
    Exercise(
        id="03.04.1",
        title="Every species on every island, empty pairs included",
        checks={"pair_counts": SqlQuery(check_database)},
        hints=[
            "Start from the list of all pairs, not from the nests: `species CROSS JOIN islands` "
            "has one row per (species, island) pair. Then attach the nests and penguins with "
            "LEFT JOINs, so a pair with no nest keeps one row whose nest columns are NULL.",
            "After the penguins are joined, each nest appears once per adult: count nests with "
            "`COUNT(DISTINCT ...)`. And `COUNT(*)` counts rows, NULL rows included, while "
            "`COUNT(column)` counts the non-NULL values of that column.",
        ],
        solution=_PAIR_COUNTS,
        wrong_answers=[
            WrongAnswer(
                _INNER_PAIRS,
                "Did you start from the nests with inner joins (or filter the LEFT-joined "
                "table in WHERE)? Then a pair with no nests, such as Gentoo on Dream, has no row "
                "at all instead of a row of zeros. Start from `species CROSS JOIN islands` and "
                "LEFT JOIN the nests and penguins to it, with every condition in the ON clauses.",
            ),
            WrongAnswer(
                _sub(_PAIR_COUNTS, ("COUNT(DISTINCT n.nest_id)", "COUNT(n.nest_id)")),
                "Did you count nests after joining the penguins? Each nest has two adults, so "
                "it appears in two joined rows and `COUNT(n.nest_id)` counts it twice. Count "
                "each nest once with `COUNT(DISTINCT n.nest_id)`.",
            ),
            WrongAnswer(
                _sub(_PAIR_COUNTS, ("COUNT(p.body_mass_g)", "COUNT(*)")),
                "Did you count the weighed penguins with `COUNT(*)`? It counts rows: the row of "
                "NULLs that a LEFT JOIN makes for a pair with no nests (so an empty pair shows 1), "
                "and penguins whose mass was never recorded. `COUNT(p.body_mass_g)` counts only "
                "the non-NULL masses.",
            ),
            WrongAnswer(
                _sub(_PAIR_COUNTS, ("COUNT(DISTINCT n.nest_id)", "COUNT(p.penguin_id) / 2")),
                "Did you count nests as penguins divided by 2? That holds only while every nest "
                "has both adults recorded, and a nest of the test rows has one. Count each nest "
                "once with `COUNT(DISTINCT n.nest_id)`.",
            ),
        ],
    ),
    Exercise(
        id="03.04.2",
        title="Groups judged by their mean: HAVING, not WHERE",
        checks={"heavy_groups": SqlQuery(check_database)},
        hints=[
            "WHERE runs before the rows are grouped and sees single penguins; HAVING runs after "
            "and sees a group's aggregates. Which one is the 'mean above 4 kg' condition about?",
            "The rows whose sex is unknown must go before grouping, or they form a group of "
            "their own. And in SQLite an integer divided by an integer is an integer: "
            "`SELECT 7 / 2` gives 3. `AVG` always returns a real number.",
        ],
        solution=_HEAVY_GROUPS,
        wrong_answers=[
            WrongAnswer(
                _sub(
                    _HEAVY_GROUPS,
                    ("WHERE p.sex IS NOT NULL", "WHERE p.sex IS NOT NULL AND p.body_mass_g > 4000"),
                    ("HAVING AVG(p.body_mass_g) > 4000", ""),
                ),
                "Did you filter with `WHERE p.body_mass_g > 4000`? WHERE keeps the heavy "
                "*penguins* before the grouping, so any group with one heavy bird survives and "
                "its mean is a mean of heavy birds only. The condition is on each group's mean: "
                "put it in HAVING, after GROUP BY.",
            ),
            WrongAnswer(
                _INT_DIVISION,
                "Did you compute the mean as SUM / COUNT / 1000? The masses are integers, and in "
                "SQLite integer division truncates: 4043 / 1000 is 4, so a group just above 4 kg "
                "fails `> 4`. Use `AVG(...)`, which returns a real number, or divide by 1000.0.",
            ),
            WrongAnswer(
                _sub(_HEAVY_GROUPS, ("WHERE p.sex IS NOT NULL\n", "")),
                "Did you keep the penguins whose sex is unknown? GROUP BY puts all the NULL sexes "
                "into one group of their own, which here passes the 4 kg test. Leave those rows "
                "out before grouping.",
            ),
            WrongAnswer(
                _sub(_HEAVY_GROUPS, ("p.sex IS NOT NULL", "p.sex <> NULL")),
                "Did you write `<> NULL` (or `!= NULL`)? Any comparison with NULL gives NULL, "
                "never true, so WHERE keeps no rows at all. Test for missing values with "
                "`IS NULL` and `IS NOT NULL`.",
            ),
            WrongAnswer(
                _sub(_HEAVY_GROUPS, ("COUNT(p.body_mass_g) AS weighed", "COUNT(*) AS weighed")),
                "Did you count the weighed penguins with `COUNT(*)`? It counts every row of the "
                "group, including a penguin whose mass was never recorded (the test rows have "
                "one). `COUNT(p.body_mass_g)` counts only the recorded masses.",
            ),
            WrongAnswer(
                _sub(_HEAVY_GROUPS, ("AVG(p.body_mass_g) > 4000", "AVG(p.body_mass_g) >= 4000")),
                "Did you use `>=`? A group whose mean is exactly 4 kg is not *above* 4 kg (with "
                "the test rows, one group's mean is exactly 4000 g). Use `>`.",
            ),
        ],
    ),
    Exercise(
        id="03.04.3",
        title="The three heaviest of each group, ties included",
        checks={"heaviest_three": SqlQuery(check_database)},
        hints=[
            "A window function gives each penguin a place within its (species, sex) group "
            "without collapsing the rows: `PARTITION BY` names the group, `ORDER BY` inside "
            "`OVER (...)` the order. A window function cannot appear in WHERE, so compute it in "
            "a subquery and filter outside.",
            "Of ROW_NUMBER, RANK and DENSE_RANK, only one gives a penguin the place "
            "1 + (number of penguins of its group that are strictly heavier).",
        ],
        solution=_HEAVIEST_THREE,
        wrong_answers=[
            WrongAnswer(
                _sub(_HEAVIEST_THREE, ("RANK()", "ROW_NUMBER()")),
                "Did you use ROW_NUMBER? It numbers tied penguins 3, 4, 5, ... in an arbitrary "
                "order, so it keeps one of the penguins tied for third place and drops the others. "
                "RANK gives tied rows the same place.",
            ),
            WrongAnswer(
                _sub(_HEAVIEST_THREE, ("RANK()", "DENSE_RANK()")),
                "Did you use DENSE_RANK? After two penguins tied for first it gives the next one "
                "place 2, not 3, so it keeps penguins that have three heavier ones in their "
                "group. RANK skips the places that ties use up.",
            ),
            WrongAnswer(
                _sub(_HEAVIEST_THREE, ("PARTITION BY s.name, p.sex\n", "PARTITION BY s.name\n")),
                "Did you partition by species only? Then the three places of a species go to its "
                "heaviest birds, here all males, and the females' own heaviest are missing. The "
                "groups are (species, sex): partition by both.",
            ),
            WrongAnswer(
                _sub(_HEAVIEST_THREE, ("WHERE p.sex IS NOT NULL\n", "")),
                "Did you keep the penguins whose sex is unknown? PARTITION BY puts them into a "
                "group of their own, which adds rows with a NULL sex. Leave them out inside the "
                "subquery.",
            ),
            WrongAnswer(
                _sub(_HEAVIEST_THREE, ("ORDER BY p.body_mass_g DESC", "ORDER BY p.body_mass_g")),
                "Did you forget DESC? `ORDER BY` sorts from the smallest up, so place 1 went to "
                "the lightest penguin of each group.",
            ),
            WrongAnswer(
                _HEAVIER_COUNT,
                "Did you count the heavier penguins in a subquery? For a penguin whose mass was "
                "not recorded (the test rows have one), `q.body_mass_g > p.body_mass_g` is NULL "
                "for every q, so it has 0 heavier penguins and is kept. Add "
                "`p.body_mass_g IS NOT NULL`, or rank with RANK(), which puts NULLs last when "
                "sorting DESC in SQLite.",
            ),
        ],
    ),
    Exercise(
        id="03.04.4",
        title="Change since the previous season, species by species",
        checks={"season_change": SqlQuery(check_database)},
        hints=[
            "Group by species and season to get the means, then let a window function read "
            "the mean of the row before. Window functions run after GROUP BY, so they can "
            "take an aggregate such as `AVG(...)` as their argument.",
            "`LAG(x) OVER (PARTITION BY ... ORDER BY ...)` is the value of `x` one row earlier "
            "in the same partition, and NULL for a partition's first row. Without the "
            "partition, the first season of one species would be compared with the last "
            "season of the one listed before it.",
        ],
        solution=_SEASON_CHANGE,
        wrong_answers=[
            WrongAnswer(
                _sub(
                    _SEASON_CHANGE,
                    ("PARTITION BY s.name ORDER BY n.season", "ORDER BY s.name, n.season"),
                ),
                "Did you leave out PARTITION BY (ordering by species and season instead)? Then "
                "LAG crosses from one species to the next: Chinstrap's first season gets a "
                "'change' measured from Adelie's last season. Partition by species, so each "
                "species' first season has no previous value (NULL).",
            ),
            WrongAnswer(
                _sub(
                    _SEASON_CHANGE,
                    ("AVG(p.body_mass_g) - LAG(AVG(p.body_mass_g))", "LAG(AVG(p.body_mass_g))"),
                    ("ORDER BY n.season) AS", "ORDER BY n.season) - AVG(p.body_mass_g) AS"),
                ),
                "Did you subtract the wrong way round? The change since the previous season is "
                "this season's mean minus the previous one, so a gain is positive.",
            ),
            WrongAnswer(
                _sub(_SEASON_CHANGE, ("LAG(AVG(p.body_mass_g))", "LAG(AVG(p.body_mass_g), 1, 0)")),
                "Did you give LAG a default of 0? Then a species' first season shows its whole "
                "mean as the 'change'. The first season has no previous one: leave the change "
                "NULL, as LAG does without a default.",
            ),
        ],
    ),
    Exercise(
        id="03.04.5",
        title="A query function that cannot be injected",
        checks={"heavy_penguins": Function(cases=_HEAVY_CASES, returns=Exact())},
        hints=[
            "Write the SQL once, with a `?` wherever a value goes, and pass the values as a "
            "tuple in the second argument of `connection.execute`. Never build the SQL text from "
            "the arguments.",
            "The species name is in `species`, which you reach from `penguins` through `nests`. "
            "'At least' includes the threshold, and `.fetchall()` returns the list of tuples. "
            "Sort by mass, heaviest first, then by id.",
        ],
        solution=_HEAVY_PENGUINS,
        wrong_answers=[
            WrongAnswer(
                _F_STRING,
                _F_STRING_MESSAGE.format(
                    effect="it returned every Adelie penguin, light ones too, and the heavy "
                    "penguins of the other species"
                ),
            ),
            WrongAnswer(
                _sub(
                    _F_STRING,
                    (
                        "s.name = '{species}' AND p.body_mass_g >= {min_mass_g}",
                        "p.body_mass_g >= {min_mass_g} AND s.name = '{species}'",
                    ),
                ),
                _F_STRING_MESSAGE.format(effect="it returned every penguin in the database"),
            ),
            WrongAnswer(
                _sub(
                    _HEAVY_PENGUINS,
                    ("p.body_mass_g >= ?", "p.body_mass_g >= {min_mass_g}"),
                    ('sql = """', 'sql = f"""'),
                    ("(species, min_mass_g)", "(species,)"),
                ),
                "Did you pass the species as a parameter but format `min_mass_g` into the SQL, "
                "since it is a number? A value from outside can be any text: the check passed "
                "`min_mass_g='0 OR 1=1'`, which ran as SQL and returned every penguin. Pass "
                "every value as a parameter.",
            ),
            WrongAnswer(
                _sub(_HEAVY_PENGUINS, ("p.body_mass_g >= ?", "p.body_mass_g > ?")),
                "Did you use `>`? 'At least' includes the threshold: a penguin of exactly "
                "`min_mass_g` grams belongs in the result. Use `>=`.",
            ),
            WrongAnswer(
                _sub(_HEAVY_PENGUINS, ("ORDER BY p.body_mass_g DESC, p.penguin_id", "")),
                "Did you leave out ORDER BY? Without it SQLite returns rows in whatever order "
                "its plan reads them, here not by mass. Sort heaviest first, ties by penguin_id.",
            ),
            WrongAnswer(
                _sub(
                    _HEAVY_PENGUINS,
                    ("ORDER BY p.body_mass_g DESC, p.penguin_id", "ORDER BY p.body_mass_g DESC"),
                ),
                "Did you sort by mass only? Penguins of equal mass then come in whatever order "
                "the engine reads them: here through the index on body_mass_g, backwards, so "
                "the higher id first. Add `p.penguin_id` as a second sort key.",
            ),
            WrongAnswer(
                _sub(_HEAVY_PENGUINS, ("return connection.execute(", "return con.execute(")),
                "Did you run the query on `con`, the notebook's database, instead of the "
                "`connection` argument? The check passes a copy with test rows that `con` does "
                "not have (a third Gentoo of 6000 g). Call `connection.execute(...)`.",
            ),
        ],
    ),
]
