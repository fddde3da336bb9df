"""Exercises of 01_python_idioms.ipynb: generators, one-pass aggregation, comprehensions,
closures, exceptions that explain themselves, and a validated frozen dataclass."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlcourse.exercise import (
    Calls,
    DataclassFields,
    Exact,
    Exercise,
    Function,
    WrongAnswer,
    Yields,
)

# --- a comparator for what Exact cannot see: a dict subclass read as a dict -----------------


@dataclass(frozen=True)
class AsDict(Exact):
    """Exactly equal, a dict subclass (defaultdict, Counter) read as the plain dict it holds."""

    def observe(self, name, value):
        return dict(value) if isinstance(value, dict) else value


# --- 02.01.1: batches from a stream ------------------------------------------------------------


class EndlessStream:
    """0, 1, 2, ... without end, like a socket or a log that is still being written; reading
    far more than the batches asked for need is an error (the generator is not lazy)."""

    def __init__(self, limit: int):
        self.limit, self.read = limit, 0

    def __repr__(self):
        return "<an endless stream 0, 1, 2, ...>"

    def __iter__(self):
        return self

    def __next__(self):
        if self.read >= self.limit:
            raise RuntimeError(
                f"read {self.limit} items of an endless stream and still asking for more: read "
                "the input one item at a time and yield each batch as soon as it is full "
                "(no list(), no len(), no slicing)"
            )
        self.read += 1
        return self.read - 1


_BATCH_CASES = [
    dict(iterable=range(10), size=3),
    dict(iterable=[1, 2, 3, 4], size=2),  # an exact multiple: no empty batch at the end
    dict(iterable=[], size=3),  # nothing in, nothing out
    dict(iterable="abcde", size=2),  # any iterable
    dict(iterable=iter([5, 6, 7]), size=5),  # an iterator (no len, no slicing), size > length
    dict(iterable=range(4), size=1),
    dict(iterable=EndlessStream(limit=310), size=3),  # the first 100 batches of an endless stream
]

# --- 02.01.2: one pass over a stream of rows ----------------------------------------------------


class OneShot:
    """Rows that can be read once, like an open file or a csv.DictReader."""

    def __init__(self, rows):
        self.rows, self.started = list(rows), False

    def __repr__(self):
        return f"<a read-once stream of {len(self.rows)} rows>"

    def __iter__(self):
        if self.started:
            raise RuntimeError(
                "this stream of rows was already read once (like a file or csv.DictReader, "
                "it cannot be rewound): compute everything in a single loop"
            )
        self.started = True
        return iter(self.rows)


class Row(dict):
    """A row of a stream: a dict that the stream can watch with a weak reference."""


class LongStream:
    """``n`` rows made one at a time and read once, like a large file; holding more than
    ``limit`` of them in memory at once (a list of all rows, a DataFrame) is an error."""

    def __init__(self, n: int, limit: int):
        self.n, self.limit, self.started = n, limit, False

    def __repr__(self):
        return f"<a read-once stream of {self.n:,} rows>"

    def __iter__(self):
        import weakref

        if self.started:
            raise RuntimeError("this stream of rows was already read once: use a single loop")
        self.started = True
        alive = []  # weak references to the rows handed out that are still in memory
        for i in range(self.n):
            alive = [ref for ref in alive if ref() is not None]
            if len(alive) > self.limit:
                raise RuntimeError(
                    f"{len(alive)} rows of a {self.n:,}-row stream are held in memory at once: "
                    "a stream may be larger than memory, so keep running totals and counts "
                    "per key, not the rows (no list(rows), no DataFrame)"
                )
            row = Row(weathersit=("clear", "misty", "rain")[i % 3], hr=str(i % 24))
            row.update(bikers=str((i * 37) % 500), casual=str(i % 7))
            alive.append(weakref.ref(row))
            yield row


def _rows(*triples):
    return OneShot({"weathersit": w, "hr": h, "bikers": b, "casual": c} for w, h, b, c in triples)


_MEAN_CASES = [
    dict(
        rows=_rows(
            ("clear", "8", "320", "20"),
            ("misty", "8", "270", "11"),
            ("clear", "9", "200", "31"),
            ("clear", "3", "7", "0"),
            ("rain", "8", "95", "2"),
            ("misty", "9", "141", "9"),
        ),
        key="weathersit",
        value="bikers",
    ),
    dict(
        rows=_rows(("clear", "8", "320", "20"), ("clear", "8", "310", "25"), ("a", "9", "3", "1")),
        key="hr",
        value="casual",
    ),
    dict(rows=_rows(("clear", "0", " 16", "3")), key="hr", value="bikers"),  # a stray space
    dict(rows=_rows(), key="hr", value="bikers"),  # an empty stream
    dict(rows=LongStream(n=3000, limit=100), key="hr", value="bikers"),  # larger than memory
]

# --- 02.01.3: a vocabulary with a comprehension ------------------------------------------------
_VOCAB_CASES = [
    dict(docs=["the cat sat", "the dog sat down", "a cat"], min_count=2),
    dict(docs=["b a", "a c"], min_count=1),
    dict(docs=["The the THE", "cat"], min_count=2),  # case is folded
    dict(docs=["to be or not to be", "be quick"], min_count=3),  # repeats within a document
    dict(docs=["x y", "y z"], min_count=3),  # nothing is frequent enough
    dict(docs=[], min_count=1),
    dict(docs=["zeta alpha", "", "  mid  alpha  "], min_count=1),  # empty and padded documents
]

# --- 02.01.4: early stopping as a closure ------------------------------------------------------
_LOSSES = [math.nan, 5.0, 4.0, 4.5, 4.2, 3.0, 3.0, 3.5, 2.9, 3.3, 2.95, 3.4, 3.5]
_SHOULD_STOP = Calls(cases=[dict(loss=loss) for loss in _LOSSES], label="should_stop")
_STOP_CASES = [dict(patience=2), dict(patience=0), dict(patience=1), dict(patience=3)]

# --- 02.01.5: parsing with errors that explain themselves ---------------------------------------
_PARSE = [  # (text, line, raises)
    ("12", 3, False),
    (" 7\n", 4, False),
    ("0", 5, False),
    ("-3", 6, True),
    ("3.5", 7, True),
    ("", 8, True),
    ("abc", 9, True),
    ("1e3", 10, True),
    ("+5", 11, True),  # int() accepts a sign,
    ("1_000", 12, True),  # and underscores between digits
]
_PARSE_CHECK = Calls(
    cases=[dict(text=text, line=line) for text, line, _ in _PARSE],
    mentions=[
        [f"line {line}", repr(text), "expected"] if bad else [] for text, line, bad in _PARSE
    ],
)

# --- 02.01.6: a validated, frozen configuration -------------------------------------------------
_CONFIG = [  # (arguments, words the error must mention)
    (dict(), ()),
    (dict(lr=0.1, num_epochs=5), ()),
    (dict(batch_size=1), ()),
    (dict(lr=0.0), ("lr", "0.0")),
    (dict(lr=-0.5), ("lr", "-0.5")),
    (dict(num_epochs=0), ("num_epochs", "0")),
    (dict(num_epochs=2.5), ("num_epochs", "2.5")),
    (dict(batch_size="32"), ("batch_size", "'32'")),
    (dict(batch_size=-8), ("batch_size", "-8")),
]
_CONFIG_CHECK = Calls(
    cases=[arguments for arguments, _ in _CONFIG],
    returns=DataclassFields(),
    mentions=[words for _, words in _CONFIG],
)


EXERCISES = [
    Exercise(
        id="02.01.1",
        title="Batches from a stream, lazily",
        checks={"batches": Function(cases=_BATCH_CASES, returns=Yields(take=100))},
        hints=[
            "Keep a list `batch`; for each item of `iterable`, append it, and when `batch` holds "
            "`size` items, `yield batch` and start a new list. After the loop, what about the "
            "items still in `batch`?",
            "After the loop: `if batch: yield batch`, so the last, shorter batch comes out, but "
            "never an empty one. Make a new list after each yield (`batch = []`), not "
            "`batch.clear()`: the caller may still hold the old one.",
        ],
        solution="""
            def batches(iterable, size):
                \"\"\"Yield lists of `size` consecutive items of `iterable`; the last may be shorter.\"\"\"
                batch = []
                for item in iterable:
                    batch.append(item)
                    if len(batch) == size:
                        yield batch
                        batch = []
                if batch:
                    yield batch
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def batches(iterable, size):
                    iterator = iter(iterable)
                    while batch := tuple(itertools.islice(iterator, size)):
                        yield batch
                """,
                "Did you yield tuples (as `itertools.batched` and `zip(*[iter(xs)] * n)` do)? "
                "`{name}` should yield lists, which the caller can extend or sort in place.",
            ),
            WrongAnswer(
                """
                def batches(iterable, size):
                    batch = []
                    for item in iterable:
                        batch.append(item)
                        if len(batch) == size:
                            yield batch
                            batch = []
                    yield batch
                """,
                "Did you yield the last batch even when it is empty? When the length is a "
                "multiple of `size` (or the input is empty) that adds a batch of nothing: "
                "`if batch: yield batch`.",
            ),
            WrongAnswer(
                """
                def batches(iterable, size):
                    batch = []
                    for item in iterable:
                        batch.append(item)
                        if len(batch) == size:
                            yield batch
                            batch = []
                """,
                "Did you forget the items left over after the loop? The last, shorter batch "
                "must come out too: `if batch: yield batch`.",
            ),
            WrongAnswer(
                """
                def batches(iterable, size):
                    batch = []
                    for item in iterable:
                        batch.append(item)
                        if len(batch) == size:
                            yield batch
                            batch.clear()
                    if batch:
                        yield batch
                """,
                "Did you empty the batch with `batch.clear()` after yielding it? The caller "
                "holds that same list, so every batch it kept is emptied too; start a new "
                "list instead (`batch = []`).",
            ),
        ],
    ),
    Exercise(
        id="02.01.2",
        title="A mean per group in one pass",
        checks={"mean_by_key": Function(cases=_MEAN_CASES, returns=AsDict())},
        hints=[
            "One loop over `rows`; keep two dicts, the running total and the count per key: "
            "`totals[k] = totals.get(k, 0) + float(row[value])`, and the same for `counts`.",
            "After the loop, a dict comprehension: `{k: totals[k] / counts[k] for k in totals}`.",
        ],
        solution="""
            def mean_by_key(rows, key, value):
                \"\"\"Mean of the column `value` for each value of the column `key`, in one pass.\"\"\"
                totals, counts = {}, {}
                for row in rows:
                    group = row[key]
                    totals[group] = totals.get(group, 0.0) + float(row[value])
                    counts[group] = counts.get(group, 0) + 1
                return {group: totals[group] / counts[group] for group in totals}
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def mean_by_key(rows, key, value):
                    totals, n = {}, 0
                    for row in rows:
                        totals[row[key]] = totals.get(row[key], 0.0) + float(row[value])
                        n += 1
                    return {group: total / n for group, total in totals.items()}
                """,
                "Did you divide every total by the number of all rows? Each group's mean "
                "divides by that group's own count.",
            ),
            WrongAnswer(
                """
                def mean_by_key(rows, key, value):
                    totals = {}
                    for row in rows:
                        totals[row[key]] = totals.get(row[key], 0.0) + float(row[value])
                    return totals
                """,
                "Did you return the totals? Divide each by its group's count.",
            ),
            WrongAnswer(
                """
                def mean_by_key(rows, key, value):
                    return {row[key]: float(row[value]) for row in rows}
                """,
                "Did you build the dict with one comprehension over the rows? Each key then "
                "keeps the value of its last row only; accumulate totals and counts first.",
            ),
            WrongAnswer(
                """
                def mean_by_key(rows, key, value):
                    means = {}
                    for row in rows:
                        x = float(row[value])
                        means[row[key]] = (means[row[key]] + x) / 2 if row[key] in means else x
                    return means
                """,
                "Did you average the running mean with each new value? That weighs the last "
                "rows far more than the first; keep a total and a count instead.",
            ),
        ],
    ),
    Exercise(
        id="02.01.3",
        title="A vocabulary with a comprehension",
        checks={"vocabulary": Function(cases=_VOCAB_CASES, returns=AsDict())},
        hints=[
            "`Counter(word for doc in docs for word in doc.lower().split())` counts every word "
            "(a generator expression with two `for`s, read left to right).",
            "Keep the frequent words in alphabetical order, `sorted(w for w, n in "
            "counts.items() if n >= min_count)`, and number them with a dict comprehension "
            "over `enumerate(...)`: `{word: index for index, word in enumerate(frequent)}`.",
        ],
        solution="""
            def vocabulary(docs, min_count):
                \"\"\"{word: index} for the words seen at least `min_count` times, alphabetically.\"\"\"
                counts = Counter(word for doc in docs for word in doc.lower().split())
                frequent = sorted(word for word, n in counts.items() if n >= min_count)
                return {word: index for index, word in enumerate(frequent)}
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def vocabulary(docs, min_count):
                    counts = Counter(word for doc in docs for word in doc.split())
                    frequent = sorted(word for word, n in counts.items() if n >= min_count)
                    return {word: index for index, word in enumerate(frequent)}
                """,
                "Did you forget to lower-case the words? 'The' and 'the' should be one word.",
            ),
            WrongAnswer(
                """
                def vocabulary(docs, min_count):
                    counts = Counter(word for doc in docs for word in doc.lower().split())
                    frequent = sorted(word for word, n in counts.items() if n > min_count)
                    return {word: index for index, word in enumerate(frequent)}
                """,
                "Did you keep words seen *more* than `min_count` times? 'At least' includes "
                "`min_count` itself: `>=`.",
            ),
            WrongAnswer(
                """
                def vocabulary(docs, min_count):
                    counts = Counter(word for doc in docs for word in doc.lower().split())
                    frequent = [word for word, n in counts.items() if n >= min_count]
                    return {word: index for index, word in enumerate(frequent)}
                """,
                "Did you number the words in the order they first appear? Sort them "
                "alphabetically first, so that the same words always get the same numbers.",
            ),
            WrongAnswer(
                """
                def vocabulary(docs, min_count):
                    counts = Counter(word for doc in docs for word in set(doc.lower().split()))
                    frequent = sorted(word for word, n in counts.items() if n >= min_count)
                    return {word: index for index, word in enumerate(frequent)}
                """,
                "Did you count each word once per document? `{name}` counts every occurrence; "
                "the number of documents a word is in is its document frequency, another "
                "statistic.",
            ),
        ],
    ),
    Exercise(
        id="02.01.4",
        title="Early stopping as a closure",
        checks={"early_stopping": Calls(cases=_STOP_CASES, returns=_SHOULD_STOP)},
        hints=[
            "Inside `early_stopping`, create the state (`best = math.inf`, `waited = 0`), "
            "then define `should_stop(loss)` and `return should_stop` (the function itself, "
            "not a call). Each call of `early_stopping` makes a fresh state.",
            "`should_stop` changes variables of the enclosing function, so declare them "
            "`nonlocal best, waited`. If `loss < best`: `best = loss`, `waited = 0`, return "
            "False; otherwise `waited += 1` and return `waited >= patience`.",
        ],
        solution="""
            def early_stopping(patience):
                \"\"\"A function `should_stop(loss)`: True once `patience` losses in a row failed
                to beat the best loss so far.\"\"\"
                best, waited = math.inf, 0

                def should_stop(loss):
                    nonlocal best, waited
                    if loss < best:
                        best, waited = loss, 0
                        return False
                    waited += 1
                    return waited >= patience

                return should_stop
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def early_stopping(patience):
                    best, waited = math.inf, 0

                    def should_stop(loss):
                        nonlocal best, waited
                        if loss <= best:
                            best, waited = loss, 0
                            return False
                        waited += 1
                        return waited >= patience

                    return should_stop
                """,
                "Did you count a loss equal to the best as an improvement (`<=`)? A plateau "
                "would then never stop training; only a strictly lower loss improves.",
            ),
            WrongAnswer(
                """
                def early_stopping(patience):
                    previous, waited = math.inf, 0

                    def should_stop(loss):
                        nonlocal previous, waited
                        improved = loss < previous
                        previous = loss
                        if improved:
                            waited = 0
                            return False
                        waited += 1
                        return waited >= patience

                    return should_stop
                """,
                "Did you compare each loss with the previous one instead of the best so far? "
                "A loss that bounces back up then counts as an improvement.",
            ),
            WrongAnswer(
                """
                def early_stopping(patience):
                    best, waited = math.inf, 0

                    def should_stop(loss):
                        nonlocal best, waited
                        if loss < best:
                            best, waited = loss, 0
                            return False
                        waited += 1
                        return waited > patience

                    return should_stop
                """,
                "Did you stop one call too late (`>` instead of `>=`)? With `patience=2`, the "
                "second loss in a row that fails to improve should stop training.",
            ),
            WrongAnswer(
                """
                def early_stopping(patience):
                    best, waited = math.inf, 0

                    def should_stop(loss):
                        nonlocal best, waited
                        if loss < best:
                            best = loss
                            return False
                        waited += 1
                        return waited >= patience

                    return should_stop
                """,
                "Did you forget to reset the count when the loss improves? `patience` counts "
                "losses *in a row* without improvement.",
            ),
        ],
    ),
    Exercise(
        id="02.01.5",
        title="An error that says what went wrong and how to fix it",
        checks={"parse_count": _PARSE_CHECK},
        hints=[
            "Strip the text first (`text.strip()`); a count is then made of digits only "
            "(`str.isdigit()` is False for '-3', '3.5', '' and '1e3'). Return `int(...)` of it.",
            'Otherwise `raise ValueError(f"line {line}: expected a count (digits only, such as '
            "'12'), got {text!r}; fix the file or skip the row.\")`: `!r` shows the text with "
            "quotes, so an empty or padded field is visible.",
        ],
        solution="""
            def parse_count(text, line):
                \"\"\"The whole number written in `text`, a field on line `line` of a file.\"\"\"
                digits = text.strip()
                if not digits.isdigit():
                    raise ValueError(
                        f"line {line}: expected a count (digits only, such as '12'), "
                        f"got {text!r}; fix the file or skip the row."
                    )
                return int(digits)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def parse_count(text, line):
                    try:
                        value = int(text)
                    except ValueError:
                        raise ValueError(f"line {line}: expected a count, got {text!r}") from None
                    if value < 0:
                        raise ValueError(f"line {line}: expected a count >= 0, got {text!r}")
                    return value
                """,
                "Did you let `int()` decide what a count is? It also accepts '+5' and '1_000'; "
                "check that the stripped text is digits only (`str.isdigit()`).",
            ),
            WrongAnswer(
                """
                def parse_count(text, line):
                    return int(text)
                """,
                "Did you let `int()` do the checking? It accepts '-3', and its own message, "
                '"invalid literal for int()", names neither the line nor what was expected.',
            ),
            WrongAnswer(
                """
                def parse_count(text, line):
                    return int(float(text))
                """,
                "Did you convert through `float`? '3.5' then silently becomes 3 and '1e3' "
                "becomes 1000; a count written with a decimal point is an error to report.",
            ),
            WrongAnswer(
                """
                def parse_count(text, line):
                    try:
                        value = int(text)
                    except ValueError:
                        return 0
                    return value
                """,
                "Did you return 0 for a field you could not read? The error disappears and the "
                "totals are quietly wrong; raise a ValueError that says what was expected.",
            ),
            WrongAnswer(
                """
                def parse_count(text, line):
                    digits = text.strip()
                    if not digits.isdigit():
                        raise ValueError(f"line {line}: expected a count, got {text}")
                    return int(digits)
                """,
                "Did you write the text without `!r`? An empty field then prints as nothing "
                "and a trailing space is invisible; `{{text!r}}` shows it in quotes.",
            ),
        ],
    ),
    Exercise(
        id="02.01.6",
        title="A frozen, validated training configuration",
        checks={"TrainConfig": _CONFIG_CHECK},
        hints=[
            "`@dataclass(frozen=True)` above `class TrainConfig:` with the fields `lr: float = "
            "0.01`, `num_epochs: int = 10` and `batch_size: int = 32`; a frozen instance "
            "cannot be changed after it is made.",
            "`def __post_init__(self):` runs after the fields are set: `if self.lr <= 0: raise "
            'ValueError(f"lr should be > 0, got {self.lr!r}")`; for `num_epochs` and '
            "`batch_size`, first `if not isinstance(value, int): raise TypeError(...)`, then "
            "`if value < 1: raise ValueError(...)`, naming the field and the value.",
        ],
        solution="""
            @dataclass(frozen=True)
            class TrainConfig:
                \"\"\"Settings of one training run, checked when it is created.\"\"\"

                lr: float = 0.01
                num_epochs: int = 10
                batch_size: int = 32

                def __post_init__(self):
                    if self.lr <= 0:
                        raise ValueError(f"lr should be > 0, got {self.lr!r}; try 0.01.")
                    for name in ("num_epochs", "batch_size"):
                        value = getattr(self, name)
                        if not isinstance(value, int):
                            raise TypeError(f"{name} should be an int, got {value!r}; write it without quotes or decimals.")
                        if value < 1:
                            raise ValueError(f"{name} should be at least 1, got {value!r}.")
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    @dataclass
                    class TrainConfig:
                        \"\"\"Settings of one training run, checked when it is created.\"\"\"

                        lr: float = 0.01
                        num_epochs: int = 10
                        batch_size: int = 32

                        def __post_init__(self):
                            if self.lr <= 0:
                                raise ValueError(f"lr should be > 0, got {self.lr!r}; try 0.01.")
                            for name in ("num_epochs", "batch_size"):
                                value = getattr(self, name)
                                if not isinstance(value, int):
                                    raise TypeError(f"{name} should be an int, got {value!r}; write it without quotes or decimals.")
                                if value < 1:
                                    raise ValueError(f"{name} should be at least 1, got {value!r}.")
                """,
                "Did you leave out `frozen=True`? Then `config.lr = 10` is allowed after the "
                "checks have run, and nothing validates it.",
            ),
            WrongAnswer(
                """
                    @dataclass(frozen=True)
                    class TrainConfig:
                        \"\"\"Settings of one training run, checked when it is created.\"\"\"

                        lr: float = 0.01
                        num_epochs: int = 10
                        batch_size: int = 32

                        def __post_init__(self):
                            if self.lr <= 0:
                                raise ValueError(f"lr should be > 0, got {self.lr!r}; try 0.01.")
                            for name in ("num_epochs", "batch_size"):
                                value = getattr(self, name)
                                if int(value) < 1:
                                    raise ValueError(f"{name} should be at least 1, got {value!r}.")
                """,
                "Did you rely on the type hints? Python does not enforce them: "
                "`num_epochs=2.5` or `batch_size='32'` get through unless `__post_init__` "
                "checks the type (`isinstance(value, int)`) and raises a TypeError.",
            ),
            WrongAnswer(
                """
                    @dataclass(frozen=True)
                    class TrainConfig:
                        \"\"\"Settings of one training run, checked when it is created.\"\"\"

                        lr: float = 0.01
                        num_epochs: int = 10
                        batch_size: int = 32

                        def __post_init__(self):
                            if self.lr <= 0:
                                raise ValueError("the learning rate must be positive")
                            for name in ("num_epochs", "batch_size"):
                                value = getattr(self, name)
                                if not isinstance(value, int):
                                    raise TypeError(f"{name} should be an int, got {value!r}; write it without quotes or decimals.")
                                if value < 1:
                                    raise ValueError(f"{name} should be at least 1, got {value!r}.")
                """,
                "Did you leave the field's name or the bad value out of the message? Say what "
                'was expected and what was got: `f"lr should be > 0, got {{self.lr!r}}"`.',
            ),
            WrongAnswer(
                """
                    @dataclass(frozen=True)
                    class TrainConfig:
                        \"\"\"Settings of one training run, checked when it is created.\"\"\"

                        lr: float = 0.01
                        num_epochs: int = 10
                        batch_size: int = 32

                        def __post_init__(self):
                            if self.lr < 0:
                                raise ValueError(f"lr should be > 0, got {self.lr!r}; try 0.01.")
                            for name in ("num_epochs", "batch_size"):
                                value = getattr(self, name)
                                if not isinstance(value, int):
                                    raise TypeError(f"{name} should be an int, got {value!r}; write it without quotes or decimals.")
                                if value < 1:
                                    raise ValueError(f"{name} should be at least 1, got {value!r}.")
                """,
                "Did you accept `lr=0.0`? A step size of zero trains nothing; require `lr > 0`.",
            ),
            WrongAnswer(
                """
                    @dataclass(frozen=True)
                    class TrainConfig:
                        \"\"\"Settings of one training run, checked when it is created.\"\"\"

                        lr: float = 0.01
                        num_epochs: int = 10
                        batch_size: int = 32

                        def __post_init__(self):
                            assert self.lr > 0, f"lr should be > 0, got {self.lr!r}"
                            for name in ("num_epochs", "batch_size"):
                                value = getattr(self, name)
                                if not isinstance(value, int):
                                    raise TypeError(f"{name} should be an int, got {value!r}; write it without quotes or decimals.")
                                if value < 1:
                                    raise ValueError(f"{name} should be at least 1, got {value!r}.")
                """,
                "Did you validate with `assert`? Python skips asserts when run with `-O`, and "
                "an AssertionError does not say that a value was bad; raise a ValueError.",
            ),
        ],
    ),
]
