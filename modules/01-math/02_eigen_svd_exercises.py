"""Exercises of 02_eigen_svd.ipynb: eigenpairs, power iteration, SVD, least squares, PCA."""

import numpy as np

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer


def _spd(seed, n):
    """A random symmetric positive semi-definite n x n matrix, from a fixed seed."""
    m = np.random.default_rng(seed).normal(size=(n, n))
    return m @ m.T


def _with_top_direction(direction, eigenvalues):
    """A symmetric matrix whose dominant eigenvector is ``direction`` (normalised)."""
    basis = np.column_stack([direction, np.eye(len(direction))[:, 1:]])
    q, _ = np.linalg.qr(basis)
    return q @ np.diag(eigenvalues) @ q.T


def _data(seed, n, d):
    """Correlated data with a non-zero mean, so that forgetting to centre shows."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(5.0, 3.0, size=d)


_EIGENPAIR_CASES = [
    dict(A=np.array([[2.0, 1.0], [1.0, 2.0]]), v=np.array([1.0, -1.0])),
    dict(A=np.array([[1.0, 2.0], [2.0, -2.0]]), v=np.array([1.0, -2.0])),
    dict(A=np.array([[3.0, 1.0], [0.0, 2.0]]), v=np.array([1.0, -1.0])),
    dict(A=np.array([[2.0, 1.0], [1.0, 2.0]]), v=np.array([3.0, 3.0])),
    # eigenvectors with a zero entry: ratios of entries give 0/0 there
    dict(A=np.diag([2.0, 5.0]), v=np.array([0.0, 1.0])),
    dict(A=np.diag([3.0, 7.0]), v=np.array([2.0, 0.0])),
]
_POWER_CASES = [
    dict(A=np.array([[2.0, 1.0], [1.0, 2.0]]), n_iter=200),
    dict(A=_with_top_direction(np.array([2.0, -1.5, -1.5]), [6.0, 2.0, 1.0]), n_iter=200),
    dict(A=_spd(1, 5), n_iter=500),
    dict(A=_spd(2, 4), n_iter=500),
    # few steps: not converged yet, so the eigenvector itself is not the answer
    dict(A=_with_top_direction(np.array([2.0, -1.5, -1.5]), [6.0, 2.0, 1.0]), n_iter=2),
    dict(A=_spd(1, 5), n_iter=3),
]
_LOW_RANK_CASES = [
    dict(A=np.random.default_rng(3).normal(size=(6, 4)), k=1),
    dict(A=np.random.default_rng(4).normal(size=(6, 4)), k=2),
    dict(A=np.random.default_rng(5).normal(size=(5, 5)), k=3),
    dict(A=np.random.default_rng(6).normal(size=(3, 7)), k=2),
]
_PCA_CASES = [
    dict(X=_data(7, 50, 4), k=2),
    dict(X=_data(8, 30, 3), k=1),
    dict(X=_data(9, 40, 6), k=3),
]

EXERCISES = [
    Exercise(
        id="01.02.1",
        title="The eigenvalue that goes with an eigenvector",
        checks={"eigenvalue_of": Function(cases=_EIGENPAIR_CASES)},
        hints=[
            "If A v = λ v, take the dot product of both sides with v: v · (A v) = λ (v · v).",
            "Divide `v @ (A @ v)` by `v @ v`. Do not assume v has length 1, "
            "and keep the sign: λ can be negative.",
        ],
        solution="""
            def eigenvalue_of(A, v):
                \"\"\"The eigenvalue λ with A @ v == λ * v, for an eigenvector v of A.\"\"\"
                return (v @ (A @ v)) / (v @ v)
        """,
        wrong_answers=[
            WrongAnswer(
                "def eigenvalue_of(A, v):\n    return v @ (A @ v)\n",
                "Did you forget to divide by `v @ v`? An eigenvector need not have length 1, "
                "and `v @ A @ v` grows with its squared length.",
            ),
            WrongAnswer(
                "def eigenvalue_of(A, v):\n    return np.linalg.norm(A @ v) / np.linalg.norm(v)\n",
                "Did you divide the lengths ‖Av‖ / ‖v‖? That is |λ|: "
                "it loses the sign when A flips v.",
            ),
            WrongAnswer(
                "def eigenvalue_of(A, v):\n    return np.mean((A @ v) / v)\n",
                "Did you average the ratios (Av)ᵢ / vᵢ? Where an entry of v is 0 that ratio is "
                "0/0. Take the dot product of Av = λv with v instead: λ = v·Av / v·v.",
            ),
            WrongAnswer(
                "def eigenvalue_of(A, v):\n    return (A @ v)[0] / v[0]\n",
                "Did you divide the first entries, (Av)₀ / v₀? That is 0/0 when v₀ = 0, which "
                "eigenvectors allow. Use every entry at once: λ = v·Av / v·v.",
            ),
            WrongAnswer(
                "def eigenvalue_of(A, v):\n    return np.max(np.linalg.eigvals(A))\n",
                "Did you return the largest eigenvalue of A? `{name}` must return the eigenvalue "
                "of the given vector v, which need not be the largest.",
            ),
        ],
        equivalent_mutants={
            "line 3: `v @ (A @ v)` -> `A @ v @ v`": "Both are the dot product of v and Av.",
            "line 3: `A @ v` -> `v @ A`": (
                "v @ A is Aᵀv, and v · Aᵀv = vᵀAᵀv = (vᵀAv)ᵀ = v · Av: a number is its own "
                "transpose, for any square A."
            ),
            "line 3: `.T` added to `A`": "v · Aᵀv = v · Av for any square A (see `v @ A`).",
        },
    ),
    Exercise(
        id="01.02.2",
        title="The dominant eigenvector by power iteration",
        checks={"power_iteration": Function(cases=_POWER_CASES, returns=Close(atol=1e-7))},
        hints=[
            "Start from `v = np.ones(len(A))`; in each of the `n_iter` steps set `v = A @ v` and "
            "divide v by its norm so that it neither overflows nor vanishes.",
            "At the end fix the sign: `i = np.argmax(np.abs(v))`, then "
            "`if v[i] < 0: v = -v`. Return v (length 1).",
        ],
        solution="""
            def power_iteration(A, n_iter):
                \"\"\"Unit vector after n_iter power-iteration steps from ones, largest-|entry| positive.\"\"\"
                v = np.ones(len(A))
                for _ in range(n_iter):
                    v = A @ v
                    v = v / np.linalg.norm(v)
                if v[np.argmax(np.abs(v))] < 0:
                    v = -v
                return v
        """,
        wrong_answers=[
            WrongAnswer(
                "def power_iteration(A, n_iter):\n"
                "    v = np.ones(len(A))\n"
                "    for _ in range(n_iter):\n"
                "        v = A @ v\n"
                "        v = v / np.linalg.norm(v)\n"
                "    return v\n",
                "Did you skip the sign convention? If v is an eigenvector so is -v; "
                "flip v so that its entry of largest absolute value is positive.",
            ),
            WrongAnswer(
                "def power_iteration(A, n_iter):\n"
                "    v = np.linalg.eigh(A)[1][:, 0]\n"
                "    return v if v[np.argmax(np.abs(v))] > 0 else -v\n",
                "Did you take the first column of `np.linalg.eigh`? eigh sorts eigenvalues in "
                "ascending order, so that is the eigenvector of the smallest one.",
            ),
            WrongAnswer(
                "def power_iteration(A, n_iter):\n"
                "    v = np.linalg.eigh(A)[1][:, -1]\n"
                "    return v if v[np.argmax(np.abs(v))] > 0 else -v\n",
                "Did you return the top eigenvector from `np.linalg.eigh`? That is where power "
                "iteration ends up after many steps, but `{name}` must return the vector after "
                "exactly `n_iter` steps from `np.ones(len(A))`, converged or not.",
            ),
        ],
        equivalent_mutants={
            "line 5: `A @ v` -> `v @ A`": (
                "v @ A is Aᵀv, and the exercise is about symmetric A, for which Aᵀ = A."
            ),
            "line 5: `.T` added to `A`": "The exercise is about symmetric A, for which Aᵀ = A.",
            "line 7: `v[np.argmax(np.abs(v))] < 0` -> `v[np.argmax(np.abs(v))] <= 0`": (
                "The entry of largest absolute value of a unit vector is never 0."
            ),
        },
    ),
    Exercise(
        id="01.02.3",
        title="The best rank-k approximation",
        checks={"low_rank": Function(cases=_LOW_RANK_CASES)},
        hints=[
            "`U, s, Vt = np.linalg.svd(A, full_matrices=False)`: the singular values in `s` are "
            "sorted from largest to smallest. Keep the first k of each factor.",
            "`U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]` (or `(U[:, :k] * s[:k]) @ Vt[:k]`).",
        ],
        solution="""
            def low_rank(A, k):
                \"\"\"The best rank-k approximation of A (truncated SVD).\"\"\"
                U, s, Vt = np.linalg.svd(A, full_matrices=False)
                return U[:, :k] @ np.diag(s[:k]) @ Vt[:k, :]
        """,
        wrong_answers=[
            WrongAnswer(
                "def low_rank(A, k):\n"
                "    U, s, Vt = np.linalg.svd(A, full_matrices=False)\n"
                "    return U[:, :k] @ Vt[:k, :]\n",
                "Did you leave out Σ? U and V only hold directions of length 1; "
                "the singular values carry the sizes.",
            ),
            WrongAnswer(
                "def low_rank(A, k):\n"
                "    U, s, Vt = np.linalg.svd(A, full_matrices=False)\n"
                "    return U[:, -k:] @ np.diag(s[-k:]) @ Vt[-k:, :]\n",
                "Did you keep the last k singular values? `np.linalg.svd` sorts them in "
                "descending order (unlike `eigh`), so the largest come first.",
            ),
        ],
        equivalent_mutants={
            "line 3: keyword `full_matrices=False` dropped from `np.linalg.svd`": (
                "Only the first k columns of U and rows of Vᵀ are used; the full SVD has the "
                "same ones."
            ),
            "line 3: `False` -> `True`": "The same mutant as dropping `full_matrices=False`.",
            "line 4: `.T` added to `np.diag(s[:k])`": "A diagonal matrix is its own transpose.",
        },
    ),
    Exercise(
        id="01.02.4",
        title="Least squares through the SVD",
        checks={"w_svd": Close(rtol=1e-6)},
        hints=[
            "With A = U Σ Vᵀ (thin SVD) the least-squares solution is w = V Σ⁻¹ Uᵀ y: "
            "project y on the columns of U, divide by the singular values, rotate back with V.",
            "`U, s, Vt = np.linalg.svd(A_diab, full_matrices=False)`, then "
            "`w_svd = Vt.T @ ((U.T @ y_diab) / s)`.",
        ],
        solution="""
            U, s, Vt = np.linalg.svd(A_diab, full_matrices=False)
            w_svd = Vt.T @ ((U.T @ y_diab) / s)
        """,
        wrong_answers=[
            WrongAnswer(
                "U, s, Vt = np.linalg.svd(A_diab, full_matrices=False)\n"
                "w_svd = Vt @ ((U.T @ y_diab) / s)\n",
                "Did you multiply by `Vt` instead of `Vt.T`? NumPy returns Vᵀ; "
                "the solution needs V = `Vt.T`.",
            ),
            WrongAnswer(
                "U, s, Vt = np.linalg.svd(A_diab, full_matrices=False)\n"
                "w_svd = Vt.T @ ((U.T @ y_diab) * s)\n",
                "Did you multiply by the singular values? Undoing Σ means dividing by them (Σ⁻¹).",
            ),
        ],
    ),
    Exercise(
        id="01.02.5",
        title="PCA from scratch",
        checks={"pca_fit_transform": Function(cases=_PCA_CASES, returns=Close(atol=1e-8))},
        hints=[
            "Centre first: `Xc = X - X.mean(axis=0)`. The principal directions are the first k "
            "rows of Vᵀ in `np.linalg.svd(Xc, full_matrices=False)`.",
            "`W = Vt[:k]`; flip each row with `signs = np.sign(W[np.arange(k), "
            "np.argmax(np.abs(W), axis=1)])` and `W = W * signs[:, None]`; return `Xc @ W.T`.",
        ],
        solution="""
            def pca_fit_transform(X, k):
                \"\"\"Coordinates of the rows of X on its first k principal components.\"\"\"
                Xc = X - X.mean(axis=0)
                _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
                W = Vt[:k]
                signs = np.sign(W[np.arange(k), np.argmax(np.abs(W), axis=1)])
                W = W * signs[:, None]
                return Xc @ W.T
        """,
        wrong_answers=[
            WrongAnswer(
                "def pca_fit_transform(X, k):\n"
                "    _, _, Vt = np.linalg.svd(X, full_matrices=False)\n"
                "    W = Vt[:k]\n"
                "    signs = np.sign(W[np.arange(k), np.argmax(np.abs(W), axis=1)])\n"
                "    W = W * signs[:, None]\n"
                "    return X @ W.T\n",
                "Did you forget to centre X? Without subtracting the column means the first "
                "component points at the mean of the data, not along its spread.",
            ),
            WrongAnswer(
                "def pca_fit_transform(X, k):\n"
                "    Xc = X - X.mean(axis=0)\n"
                "    _, vectors = np.linalg.eigh(np.cov(Xc, rowvar=False))\n"
                "    W = vectors[:, :k].T\n"
                "    signs = np.sign(W[np.arange(k), np.argmax(np.abs(W), axis=1)])\n"
                "    W = W * signs[:, None]\n"
                "    return Xc @ W.T\n",
                "Did you take the first k eigenvectors from `np.linalg.eigh`? It sorts the "
                "eigenvalues in ascending order: those are the directions of least variance.",
            ),
            WrongAnswer(
                "def pca_fit_transform(X, k):\n"
                "    Xc = X - X.mean(axis=0)\n"
                "    U, _, Vt = np.linalg.svd(Xc, full_matrices=False)\n"
                "    W = Vt[:k]\n"
                "    signs = np.sign(W[np.arange(k), np.argmax(np.abs(W), axis=1)])\n"
                "    return U[:, :k] * signs\n",
                "Did you return the columns of U? They are the coordinates divided by the "
                "singular values; the projection is `Xc @ W.T` (= U Σ).",
            ),
        ],
        equivalent_mutants={
            "line 4: keyword `full_matrices=False` dropped from `np.linalg.svd`": (
                "Only the first k rows of Vᵀ are used; the full SVD has the same ones."
            ),
            "line 4: `False` -> `True`": "The same mutant as dropping `full_matrices=False`.",
            "line 7: `W * signs[:, None]` -> `W / signs[:, None]`": (
                "The signs are +1 or -1, and dividing by ±1 is multiplying by it."
            ),
        },
    ),
    Exercise(
        id="01.02.6",
        title="How many components keep 90% of the variance?",
        checks={"k_90": Exact()},
        hints=[
            "Centre `X_digits`, take its singular values `s`; component i explains "
            "`s[i]**2 / np.sum(s**2)` of the variance. `np.cumsum` gives the running total.",
            "`k_90 = int(np.argmax(cumulative >= 0.90)) + 1`: argmax finds the first index "
            "where the total reaches 90%, and indices start at 0 while k counts from 1.",
        ],
        solution="""
            s = np.linalg.svd(X_digits - X_digits.mean(axis=0), compute_uv=False)
            cumulative = np.cumsum(s**2) / np.sum(s**2)
            k_90 = int(np.argmax(cumulative >= 0.90)) + 1
        """,
        wrong_answers=[
            WrongAnswer(
                "s = np.linalg.svd(X_digits - X_digits.mean(axis=0), compute_uv=False)\n"
                "cumulative = np.cumsum(s**2) / np.sum(s**2)\n"
                "k_90 = int(np.argmax(cumulative >= 0.90))\n",
                "Did you return the index instead of the count? Index i means i + 1 components.",
            ),
            WrongAnswer(
                "s = np.linalg.svd(X_digits - X_digits.mean(axis=0), compute_uv=False)\n"
                "cumulative = np.cumsum(s) / np.sum(s)\n"
                "k_90 = int(np.argmax(cumulative >= 0.90)) + 1\n",
                "Did you add up the singular values themselves? The variance along a component "
                "is proportional to its singular value squared.",
            ),
            WrongAnswer(
                "s = np.linalg.svd(X_digits, compute_uv=False)\n"
                "cumulative = np.cumsum(s**2) / np.sum(s**2)\n"
                "k_90 = int(np.argmax(cumulative >= 0.90)) + 1\n",
                "Did you forget to centre `X_digits`? Without centring, the first singular value "
                "mostly measures the mean image, not the spread around it.",
            ),
        ],
        equivalent_mutants={
            "line 1: `X_digits - X_digits.mean(axis=0)` -> `X_digits.mean(axis=0) - X_digits`": (
                "-X has the same singular values as X."
            ),
            "line 3: call of `int` dropped": (
                "`np.argmax` returns a NumPy integer, which the check accepts as an int."
            ),
            "line 3: `cumulative >= 0.9` -> `cumulative > 0.9`": (
                "They differ only if a cumulative share equals 0.9 exactly; on the digits none "
                "does (the share reaches 0.903 at k = 21, from 0.894)."
            ),
        },
    ),
]
