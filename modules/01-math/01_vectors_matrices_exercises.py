"""Exercises of 01_vectors_matrices.ipynb: norms, cosine similarity, products, least squares."""

import numpy as np

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

_LOOP_MESSAGE = (
    "Did you loop over the rows of `X` (a `for` loop, a list comprehension or `map`)? The check "
    "passes an array whose rows cannot be taken one at a time. Compute every row's dot product "
    "at once with `X @ query` and every row's norm with `np.linalg.norm(X, axis=1)`."
)


class _NoRowLoops(np.ndarray):
    """A 2-D array whose rows cannot be taken one by one in Python.

    A loop and a vectorised expression compute the same numbers, so no value check can tell
    them apart; this array can: iterating over it, or indexing a single row, raises a TypeError
    whose text is the recorded wrong answer's message. Whole-array operations (`@`, `np.linalg.norm`
    with `axis`, broadcasting) work as on any array. The grader's safe format carries it as a
    plain array, so there (only) a loop passes.
    """

    def __iter__(self):
        raise TypeError(_LOOP_MESSAGE)

    def __getitem__(self, key):
        if self.ndim == 2 and _selects_one_row(key):
            raise TypeError(_LOOP_MESSAGE)
        return super().__getitem__(key)


def _selects_one_row(key) -> bool:
    def is_int(k):
        return isinstance(k, (int, np.integer)) and not isinstance(k, bool)

    if is_int(key):
        return True
    # X[i, :] or X[i, ...] picks row i too; X[i, j] (one element) is allowed
    return isinstance(key, tuple) and bool(key) and is_int(key[0]) and not all(map(is_int, key))


def _rows(array) -> _NoRowLoops:
    return np.asarray(array, dtype=float).view(_NoRowLoops)


_rng = np.random.default_rng(0)
_VECTOR_CASES = [
    dict(v=np.array([3.0, 4.0])),
    dict(v=np.array([1.0, -2.0, 2.0])),
    dict(v=np.zeros(3)),
    dict(v=_rng.normal(size=64)),
]
_PAIR_CASES = [
    dict(u=np.array([1.0, 0.0]), v=np.array([0.0, 1.0])),
    dict(u=np.array([1.0, 2.0, 3.0]), v=np.array([2.0, 4.0, 6.0])),
    dict(u=np.array([1.0, 0.0]), v=np.array([-3.0, 0.0])),
    dict(u=np.array([3.0, 4.0]), v=np.array([4.0, 3.0])),
    dict(u=_rng.normal(size=64), v=_rng.normal(size=64)),
]
_SEARCH_CASES = [
    # rows of very different lengths, so that a missing or wrong norm shows
    dict(X=_rows([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [-1.0, 0.5]]), query=np.array([2.0, 1.0])),
    dict(X=_rows(_rng.integers(0, 17, size=(6, 5))), query=_rng.integers(0, 17, size=5) + 0.0),
    dict(
        X=_rows(_rng.normal(size=(7, 4)) * [[1.0], [3.0], [0.2], [5.0], [1.0], [2.0], [9.0]]),
        query=_rng.normal(size=4),
    ),
]

EXERCISES = [
    Exercise(
        id="01.01.1",
        title="The Euclidean (L2) norm",
        checks={"l2_norm": Function(cases=_VECTOR_CASES)},
        hints=[
            "The L2 norm is the square root of the sum of the squared entries.",
            "`v ** 2` squares every entry, `.sum()` adds them and `np.sqrt` takes the root.",
        ],
        solution="""
            def l2_norm(v):
                \"\"\"Euclidean length of the 1-D array v.\"\"\"
                return np.sqrt(np.sum(v**2))
        """,
        wrong_answers=[
            WrongAnswer(
                "def l2_norm(v):\n    return np.sum(v**2)\n",
                "Did you forget the square root? `{name}` returned the squared length.",
            ),
            WrongAnswer(
                "def l2_norm(v):\n    return np.sum(np.abs(v))\n",
                "Did you add absolute values? That is the L1 (Manhattan) norm, not the L2 norm.",
            ),
        ],
    ),
    Exercise(
        id="01.01.2",
        title="A similarity that ignores scale",
        checks={"cosine_similarity": Function(cases=_PAIR_CASES)},
        hints=[
            "Multiplying u by c > 0 multiplies both u · v and ‖u‖ by c. Which ratio of the "
            "quantities you know does not change? Cauchy–Schwarz then tells you its range.",
            "Divide the dot product by both lengths: `(u @ v) / (np.linalg.norm(u) * "
            "np.linalg.norm(v))`.",
        ],
        solution="""
            def cosine_similarity(u, v):
                \"\"\"Cosine of the angle between the 1-D arrays u and v.\"\"\"
                return (u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))
        """,
        wrong_answers=[
            WrongAnswer(
                "def cosine_similarity(u, v):\n    return u @ v\n",
                "Did you return the plain dot product? `{name}` must divide it by both norms, "
                "so that the length of a vector does not matter.",
            ),
            WrongAnswer(
                "def cosine_similarity(u, v):\n    return (u @ v) / ((u @ u) * (v @ v))\n",
                "Did you divide by the squared norms? `u @ u` is ‖u‖², not ‖u‖.",
            ),
            WrongAnswer(
                "def cosine_similarity(u, v):\n"
                "    return (u @ v) / (np.linalg.norm(u) + np.linalg.norm(v))\n",
                "Did you divide by the sum of the norms? Doubling u then changes the score; "
                "divide by their product, ‖u‖ ‖v‖.",
            ),
        ],
        equivalent_mutants={
            "line 3: `u @ v` -> `v @ u`": "The dot product is symmetric: u · v = v · u.",
        },
    ),
    Exercise(
        id="01.01.3",
        title="Similarity search without a loop",
        checks={"cosine_similarities": Function(cases=_SEARCH_CASES)},
        hints=[
            "`X @ query` gives every row's dot product with `query` at once, and "
            "`np.linalg.norm(X, axis=1)` every row's length (axis=1: along each row).",
            "Divide elementwise, the shapes broadcast: "
            "`(X @ query) / (np.linalg.norm(X, axis=1) * np.linalg.norm(query))`.",
        ],
        solution="""
            def cosine_similarities(X, query):
                \"\"\"Cosine similarity between `query` and every row of `X`, as a 1-D array.\"\"\"
                row_norms = np.linalg.norm(X, axis=1)
                return (X @ query) / (row_norms * np.linalg.norm(query))
        """,
        wrong_answers=[
            WrongAnswer(
                "def cosine_similarities(X, query):\n"
                "    return np.array([(x @ query) / (np.linalg.norm(x) * np.linalg.norm(query))\n"
                "                     for x in X])\n",
                _LOOP_MESSAGE,
            ),
            WrongAnswer(
                "def cosine_similarities(X, query):\n"
                "    return (X @ query) / (np.linalg.norm(X) * np.linalg.norm(query))\n",
                "Did you call `np.linalg.norm(X)` without `axis=1`? That is one number, the "
                "length of the whole matrix; each row needs its own norm.",
            ),
            WrongAnswer(
                "def cosine_similarities(X, query):\n    return X @ query\n",
                "Did you forget to normalise? `{name}` returns raw dot products, "
                "which favour bright images with many ink pixels.",
            ),
            WrongAnswer(
                "def cosine_similarities(X, query):\n"
                "    return (X @ query) / np.linalg.norm(query)\n",
                "Did you divide by the norm of `query` only? Each row's own norm is missing.",
            ),
        ],
    ),
    Exercise(
        id="01.01.4",
        title="Composing linear maps: order matters",
        checks={"M": Close()},
        hints=[
            "Applying R to a point p is `R @ p`; applying S afterwards is `S @ (R @ p)`.",
            "Matrix products associate: `S @ (R @ p) == (S @ R) @ p`. And `*` is element-wise.",
        ],
        solution="""
            M = S @ R
        """,
        wrong_answers=[
            WrongAnswer(
                "M = R @ S\n",
                "Did you multiply in reading order? `R @ S` stretches first and rotates second; "
                "the matrix applied first stands on the right.",
            ),
            WrongAnswer(
                "M = S * R\n",
                "Did you use `*`? On arrays it multiplies element by element; "
                "the matrix product is `@`.",
            ),
            WrongAnswer(
                "M = H @ R\n",
                "Did you copy the example's `H @ R`? That shears; this exercise stretches with `S`.",
            ),
        ],
        equivalent_mutants={
            "line 1: `.T` added to `S`": "S = diag(2, 1) is diagonal, so S.T is S.",
        },
    ),
    Exercise(
        id="01.01.5",
        title="Least squares for a curve: a quadratic in BMI",
        checks={"w_normal": Close(rtol=1e-6)},
        hints=[
            "A quadratic is linear in its coefficients: build a design matrix whose columns are "
            "1, bmi and bmi², e.g. `np.column_stack([np.ones(len(bmi)), bmi, bmi**2])`.",
            "Then solve the normal equations (AᵀA) w = Aᵀy with `np.linalg.solve`, as the worked "
            "example does, for your `A` and the target `y_diab`.",
        ],
        solution="""
            A = np.column_stack([np.ones(len(bmi)), bmi, bmi**2])
            w_normal = np.linalg.solve(A.T @ A, A.T @ y_diab)
        """,
        wrong_answers=[
            WrongAnswer(
                "A = np.column_stack([bmi, bmi**2])\n"
                "w_normal = np.linalg.solve(A.T @ A, A.T @ y_diab)\n",
                "Did you forget the column of ones? Without it the curve must pass through 0 "
                "and has no intercept.",
            ),
            WrongAnswer(
                "A = np.column_stack([bmi**2, bmi, np.ones(len(bmi))])\n"
                "w_normal = np.linalg.solve(A.T @ A, A.T @ y_diab)\n",
                "Did you put the columns in another order? `{name}` should hold the intercept, "
                "the coefficient of bmi and that of bmi², in this order.",
            ),
            WrongAnswer(
                "w_normal = np.linalg.solve(A_diab.T @ A_diab, A_diab.T @ y_diab)\n",
                "Did you reuse the worked example's `A_diab`? That is the model on all ten "
                "features; this one uses only bmi, with the columns 1, bmi and bmi².",
            ),
        ],
    ),
    Exercise(
        id="01.01.6",
        title="A known-answer test: how many digits survive?",
        checks={"digits_normal": Close(rtol=0.0, atol=0.5)},
        hints=[
            "`w_true = np.ones(9)` and `y_known = X_poly @ w_true`; solve the normal equations "
            "for `X_poly` and `y_known` as in exercise 5.",
            "`rel_error = np.linalg.norm(w - w_true) / np.linalg.norm(w_true)`, then "
            "`digits_normal = -np.log10(rel_error)`.",
        ],
        solution="""
            w_true = np.ones(9)
            y_known = X_poly @ w_true
            w = np.linalg.solve(X_poly.T @ X_poly, X_poly.T @ y_known)
            digits_normal = -np.log10(np.linalg.norm(w - w_true) / np.linalg.norm(w_true))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                w_true = np.ones(9)
                y_known = X_poly @ w_true
                w = np.linalg.solve(X_poly.T @ X_poly, X_poly.T @ y_known)
                residual = np.linalg.norm(X_poly @ w - y_known) / np.linalg.norm(y_known)
                digits_normal = -np.log10(residual)
                """,
                "Did you measure the residual ‖X_poly w − y_known‖? An ill-conditioned system "
                "fits the targets almost perfectly with coefficients that are far less accurate; "
                "compare `w` itself with `w_true`.",
            ),
            WrongAnswer(
                """
                w_true = np.ones(9)
                y_known = X_poly @ w_true
                w, *_ = np.linalg.lstsq(X_poly, y_known, rcond=None)
                digits_normal = -np.log10(np.linalg.norm(w - w_true) / np.linalg.norm(w_true))
                """,
                "Did you solve with `np.linalg.lstsq`? `{name}` is about the normal equations; "
                "the next cell measures lstsq for comparison.",
            ),
            WrongAnswer(
                """
                w_true = np.ones(9)
                y_known = X_poly @ w_true
                w = np.linalg.solve(X_poly.T @ X_poly, X_poly.T @ y_known)
                digits_normal = np.log10(np.linalg.norm(w - w_true) / np.linalg.norm(w_true))
                """,
                "Did you forget the minus sign? A relative error of 1e-9 is 9 correct digits, "
                "and log10(1e-9) = -9.",
            ),
        ],
        equivalent_mutants={
            "line 4: `w - w_true` -> `w_true - w`": "A vector and its negative have the same norm.",
        },
    ),
]
