"""Exercises of 01_vectors_matrices.ipynb: norms, cosine similarity, products, least squares."""

import numpy as np

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

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
        title="Cosine similarity",
        checks={"cosine_similarity": Function(cases=_PAIR_CASES)},
        hints=[
            "cos(angle) = (u · v) / (‖u‖ ‖v‖): the dot product divided by both lengths.",
            "`u @ v` is the dot product; `np.linalg.norm(u)` is ‖u‖.",
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
        ],
    ),
    Exercise(
        id="01.01.3",
        title="Similarity search as one matrix-vector product",
        checks={"similarities": Close()},
        hints=[
            "`X_digits @ query` gives every row's dot product with `query` at once.",
            "Divide by the norm of every row (`np.linalg.norm(X_digits, axis=1)`) "
            "and by the norm of `query`.",
        ],
        solution="""
            row_norms = np.linalg.norm(X_digits, axis=1)
            similarities = (X_digits @ query) / (row_norms * np.linalg.norm(query))
        """,
        wrong_answers=[
            WrongAnswer(
                "similarities = X_digits @ query\n",
                "Did you forget to normalise? `{name}` holds raw dot products, "
                "which favour bright images with many ink pixels.",
            ),
            WrongAnswer(
                "similarities = (X_digits @ query) / np.linalg.norm(query)\n",
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
        ],
    ),
    Exercise(
        id="01.01.5",
        title="Least squares with the normal equations",
        checks={"w_normal": Close(rtol=1e-6)},
        hints=[
            "Build the design matrix `A` with a first column of ones: "
            "`np.column_stack([np.ones(len(X_diab)), X_diab])`.",
            "The normal equations are (AᵀA) w = Aᵀy: solve them with "
            "`np.linalg.solve(A.T @ A, A.T @ y_diab)`.",
        ],
        solution="""
            A = np.column_stack([np.ones(len(X_diab)), X_diab])
            w_normal = np.linalg.solve(A.T @ A, A.T @ y_diab)
        """,
        wrong_answers=[
            WrongAnswer(
                "w_normal = np.linalg.solve(X_diab.T @ X_diab, X_diab.T @ y_diab)\n",
                "Did you forget the column of ones? Without it the model has no intercept.",
            ),
            WrongAnswer(
                "A = np.column_stack([X_diab, np.ones(len(X_diab))])\n"
                "w_normal = np.linalg.solve(A.T @ A, A.T @ y_diab)\n",
                "Did you put the column of ones last? The intercept should be `{name}[0]`.",
            ),
        ],
    ),
    Exercise(
        id="01.01.6",
        title="Why the normal equations lose digits",
        checks={"cond_gram": Close(rtol=1e-4)},
        hints=[
            "The Gram matrix of `X_poly` is `X_poly.T @ X_poly`.",
            "`np.linalg.cond(matrix)` returns the 2-norm condition number.",
        ],
        solution="""
            cond_gram = np.linalg.cond(X_poly.T @ X_poly)
        """,
        wrong_answers=[
            WrongAnswer(
                "cond_gram = np.linalg.cond(X_poly)\n",
                "Did you take the condition number of `X_poly` itself? "
                "`{name}` is about the Gram matrix `X_poly.T @ X_poly`.",
            ),
        ],
    ),
]
