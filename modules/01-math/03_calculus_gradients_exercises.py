"""Exercises of 03_calculus_gradients.ipynb: finite differences, chain rule, MSE gradient,
gradient descent and torch autograd."""

import numpy as np

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

_rng = np.random.default_rng(3)


# Functions passed in the cases are named module-level functions: the grader sends cases to a
# grading kernel by reference (see mlcourse.grading.codec), and an anonymous function has none.
def _cube(x):
    return x**3


def _softplus_of_minus(x):
    return np.log(1 + np.exp(-x))


def _sum_of_squares(w):
    return np.sum(w**2)


def _rosenbrock(w):
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2


_X_small = _rng.normal(size=(12, 3))
_y_small = _rng.normal(size=12)


def _small_mse(w):
    return np.mean((_X_small @ w - _y_small) ** 2)


_LINE_X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
_LINE_Y = np.array([1.0, 3.0, 5.0, 7.0])
_X_reg = np.column_stack([np.ones(30), _rng.normal(size=(30, 2))])
_y_reg = _X_reg @ np.array([1.0, -2.0, 0.5]) + 0.3 * _rng.normal(size=30)

_DIFF_CASES = [
    dict(f=np.sin, x=1.0, h=1e-3),
    dict(f=_cube, x=2.0, h=1e-2),
    dict(f=np.exp, x=0.0, h=1e-1),
    dict(f=_softplus_of_minus, x=0.5, h=1e-4),
]
_GRAD_CASES = [
    dict(f=_sum_of_squares, w=np.array([1.0, -2.0, 3.0]), h=1e-4),
    dict(f=_rosenbrock, w=np.array([-1.0, 2.0]), h=1e-3),
    dict(f=_small_mse, w=_rng.normal(size=3), h=1e-3),
]
_MSE_CASES = [
    dict(X=_LINE_X, y=_LINE_Y, w=np.zeros(2)),
    dict(X=_LINE_X, y=_LINE_Y, w=np.array([1.0, 1.0])),
    dict(X=_X_small, y=_y_small, w=np.array([0.5, -1.0, 2.0])),
    dict(X=_X_reg, y=_y_reg, w=_rng.normal(size=3)),
]
_GD_CASES = [
    dict(X=_LINE_X, y=_LINE_Y, lr=0.05, num_epochs=100),
    dict(X=_X_reg, y=_y_reg, lr=0.1, num_epochs=30),
    dict(X=_X_reg, y=_y_reg, lr=0.01, num_epochs=5),
]

EXERCISES = [
    Exercise(
        id="01.03.1",
        title="The central difference",
        checks={"central_difference": Function(cases=_DIFF_CASES, returns=Close(rtol=1e-7))},
        hints=[
            "Step both ways: evaluate f at x + h and at x - h, and divide the change by the "
            "distance between the two points.",
            "The two points are 2h apart: `return (f(x + h) - f(x - h)) / (2 * h)`.",
        ],
        solution="""
            def central_difference(f, x, h=1e-5):
                \"\"\"Approximate f'(x) by the slope between x - h and x + h.\"\"\"
                return (f(x + h) - f(x - h)) / (2 * h)
        """,
        wrong_answers=[
            WrongAnswer(
                "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x)) / h\n",
                "Did you use the forward difference (f(x + h) - f(x)) / h? Its error shrinks "
                "only like h; step to both sides of x instead.",
            ),
            WrongAnswer(
                "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x - h)) / h\n",
                "Did you divide by h? x - h and x + h are 2h apart, so `{name}` returned twice "
                "the slope.",
            ),
        ],
    ),
    Exercise(
        id="01.03.2",
        title="A numerical gradient, one coordinate at a time",
        checks={"numerical_gradient": Function(cases=_GRAD_CASES, returns=Close(rtol=1e-6))},
        hints=[
            "Partial derivative i is a central difference in which only coordinate i of w moves. "
            "Build a step vector that is h at position i and 0 elsewhere.",
            "In a loop over i: `step = np.zeros_like(w); step[i] = h; "
            "grad[i] = (f(w + step) - f(w - step)) / (2 * h)`, with `grad = np.zeros_like(w)` "
            "before the loop.",
        ],
        solution="""
            def numerical_gradient(f, w, h=1e-5):
                \"\"\"Central-difference gradient of the scalar function f at the 1-D array w.\"\"\"
                grad = np.zeros_like(w, dtype=float)
                for i in range(w.size):
                    step = np.zeros_like(w, dtype=float)
                    step[i] = h
                    grad[i] = (f(w + step) - f(w - step)) / (2 * h)
                return grad
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def numerical_gradient(f, w, h=1e-5):
                    grad = np.zeros_like(w, dtype=float)
                    for i in range(w.size):
                        step = np.zeros_like(w, dtype=float)
                        step[i] = h
                        grad[i] = (f(w + step) - f(w)) / h
                    return grad
                """,
                "Did you use forward differences (f(w + step) - f(w)) / h? Use the central "
                "difference from exercise 1 for every coordinate.",
            ),
            WrongAnswer(
                """
                def numerical_gradient(f, w, h=1e-5):
                    grad = np.zeros_like(w, dtype=float)
                    for i in range(w.size):
                        w[i] += h
                        f_plus = f(w)
                        w[i] -= 2 * h
                        f_minus = f(w)
                        grad[i] = (f_plus - f_minus) / (2 * h)
                    return grad
                """,
                "Did you change `w` in place and forget to put `w[i]` back? Every later "
                "coordinate was then measured at a shifted point (and the caller's `w` changed).",
            ),
        ],
    ),
    Exercise(
        id="01.03.3",
        title="The chain rule through one neuron",
        checks={"dL_dw": Close(rtol=1e-6)},
        hints=[
            "Multiply the three local derivatives of the chain w -> z -> a -> loss: "
            "dloss/da = 2(a - y), da/dz = a(1 - a) for the sigmoid, dz/dw = x.",
            "`dL_dw = 2 * (a1 - target) * a1 * (1 - a1) * x1`",
        ],
        solution="""
            dL_dw = 2 * (a1 - target) * a1 * (1 - a1) * x1
        """,
        wrong_answers=[
            WrongAnswer(
                "dL_dw = 2 * (a1 - target) * a1 * (1 - a1)\n",
                "Did you stop at z? That is dloss/dz; the last link, dz/dw = x1, is missing.",
            ),
            WrongAnswer(
                "dL_dw = 2 * (a1 - target) * x1\n",
                "Did you skip the sigmoid? Its derivative a1 * (1 - a1) is a link of the chain too.",
            ),
            WrongAnswer(
                "dL_dw = (a1 - target) * a1 * (1 - a1) * x1\n",
                "Did you forget the factor 2? The derivative of (a - y)² is 2(a - y).",
            ),
        ],
    ),
    Exercise(
        id="01.03.4",
        title="The gradient of the mean squared error",
        checks={"mse_gradient": Function(cases=_MSE_CASES, returns=Close(rtol=1e-8))},
        hints=[
            "Start from the residuals r = Xw - y. The MSE is mean(r²); the gradient collects, "
            "for each weight, the residuals weighted by that weight's feature column: Xᵀr.",
            "`return 2 / len(y) * X.T @ (X @ w - y)`",
        ],
        solution="""
            def mse_gradient(X, y, w):
                \"\"\"Gradient of mean((X @ w - y) ** 2) with respect to w.\"\"\"
                return 2 / len(y) * X.T @ (X @ w - y)
        """,
        wrong_answers=[
            WrongAnswer(
                "def mse_gradient(X, y, w):\n    return X.T @ (X @ w - y) / len(y)\n",
                "Did you forget the factor 2 that comes from differentiating the square?",
            ),
            WrongAnswer(
                "def mse_gradient(X, y, w):\n    return 2 * X.T @ (X @ w - y)\n",
                "Did you forget to divide by n? That is the gradient of the *sum* of squared "
                "errors, which grows with the size of the data set.",
            ),
            WrongAnswer(
                "def mse_gradient(X, y, w):\n    return 2 / len(y) * X.T @ (y - X @ w)\n",
                "Did you write the residual as y - Xw? The derivative of (Xw - y)² is 2(Xw - y)·x; "
                "with y - Xw `{name}` points the opposite way (uphill becomes downhill).",
            ),
            WrongAnswer(
                "def mse_gradient(X, y, w):\n    return 2 / len(y) * X @ X.T @ (X @ w - y)\n",
                "Did you use X @ X.T? That is an n × n matrix, so `{name}` has one entry per "
                "example; the gradient needs one per weight: X.T @ residuals.",
            ),
        ],
    ),
    Exercise(
        id="01.03.5",
        title="Gradient descent for linear regression",
        checks={"gradient_descent": Function(cases=_GD_CASES, returns=Close(rtol=1e-6))},
        hints=[
            "Start from `w = np.zeros(X.shape[1])`. Each epoch: compute the MSE gradient on all "
            "rows at the current w, then step against it, `w = w - lr * grad`.",
            "Inside `for _ in range(num_epochs):` put "
            "`grad = 2 / len(y) * X.T @ (X @ w - y)` and `w = w - lr * grad`; return w.",
        ],
        solution="""
            def gradient_descent(X, y, lr, num_epochs):
                \"\"\"Full-batch gradient descent on the MSE from w = 0; returns the weights.\"\"\"
                w = np.zeros(X.shape[1])
                for _ in range(num_epochs):
                    grad = 2 / len(y) * X.T @ (X @ w - y)
                    w = w - lr * grad
                return w
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def gradient_descent(X, y, lr, num_epochs):
                    w = np.zeros(X.shape[1])
                    for _ in range(num_epochs):
                        grad = 2 / len(y) * X.T @ (X @ w - y)
                        w = w + lr * grad
                    return w
                """,
                "Did you add the gradient? `w + lr * grad` climbs the loss (gradient ascent); "
                "descent subtracts it.",
            ),
            WrongAnswer(
                """
                def gradient_descent(X, y, lr, num_epochs):
                    w = np.zeros(X.shape[1])
                    for _ in range(num_epochs):
                        grad = X.T @ (X @ w - y) / len(y)
                        w = w - lr * grad
                    return w
                """,
                "Did you forget the factor 2 in the gradient? Your steps are half as long as "
                "they should be.",
            ),
            WrongAnswer(
                """
                def gradient_descent(X, y, lr, num_epochs):
                    w = np.zeros(X.shape[1])
                    grad = 2 / len(y) * X.T @ (X @ w - y)
                    for _ in range(num_epochs):
                        w = w - lr * grad
                    return w
                """,
                "Did you compute the gradient once, before the loop? It must be recomputed at "
                "the current w in every epoch.",
            ),
        ],
    ),
    Exercise(
        id="01.03.6",
        title="The same gradient from torch autograd",
        checks={"grad_torch": Close(rtol=1e-8, atol=1e-8)},
        hints=[
            "Turn `A_diab`, `y_diab` and `w_check` into float64 tensors with `torch.tensor`; "
            "only the weights need `requires_grad=True`. Build the MSE with torch operations, "
            "call `loss.backward()` once and read the weights' `.grad`.",
            "`w_t = torch.tensor(w_check, requires_grad=True)`, "
            "`loss = torch.mean((A_t @ w_t - y_t) ** 2)`, `loss.backward()`, "
            "`grad_torch = w_t.grad.detach().numpy()`.",
        ],
        solution="""
            import torch

            A_t = torch.tensor(A_diab, dtype=torch.float64)
            y_t = torch.tensor(y_diab, dtype=torch.float64)
            w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
            loss = torch.mean((A_t @ w_t - y_t) ** 2)
            loss.backward()
            grad_torch = w_t.grad.detach().numpy()
        """,
        wrong_answers=[
            WrongAnswer(
                """
                import torch

                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_diab, dtype=torch.float64)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                for _ in range(2):
                    loss = torch.mean((A_t @ w_t - y_t) ** 2)
                    loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you call `.backward()` twice on the same tensor (for example by running the "
                "cell again)? Gradients accumulate in `.grad`; zero it (`w_t.grad.zero_()`) or "
                "create the tensor afresh.",
            ),
            WrongAnswer(
                """
                import torch

                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_diab, dtype=torch.float64)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                loss = torch.sum((A_t @ w_t - y_t) ** 2)
                loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you sum the squared errors? The loss is their mean, so `{name}` is n times "
                "too large.",
            ),
            WrongAnswer(
                """
                import torch

                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_diab, dtype=torch.float64).reshape(-1, 1)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                loss = torch.mean((A_t @ w_t - y_t) ** 2)
                loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you make the targets a column of shape (n, 1)? Subtracting it from "
                "predictions of shape (n,) broadcasts to an n × n matrix, a silent classic: "
                "keep both 1-D.",
            ),
        ],
    ),
]
