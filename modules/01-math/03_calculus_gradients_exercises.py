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


def _sum_of_exp(w):
    return np.sum(np.exp(w))


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

_noisy_rng = np.random.default_rng(11)
_X_noisy = np.column_stack([np.ones(40), _noisy_rng.normal(size=(40, 2)) * [1.0, 3.0]])
_y_noisy = _X_noisy @ np.array([1.0, -2.0, 0.5]) + 30 * _noisy_rng.normal(size=40)
_w_near_min = np.linalg.lstsq(_X_noisy, _y_noisy, rcond=None)[0] + 3e-3 * np.array([1.0, -1.0, 0.5])

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
    # a large h: the central difference of exp is then sinh(h)/h (+18% at h = 1) times the slope,
    # so ignoring the h given shows
    dict(f=_sum_of_exp, w=np.array([0.5, -1.0]), h=1.0),
    # an integer w: np.zeros_like(w) would make integer arrays, rounding h down to 0 and the
    # gradient's fractions away
    dict(f=_sum_of_exp, w=np.array([1, -2, 0]), h=0.5),
]
_NEURON_CASES = [
    dict(x=1.5, y=1.0, w=0.8, b=-0.5),
    dict(x=1.5, y=0.0, w=0.8, b=-0.5),
    dict(x=-2.0, y=0.0, w=0.3, b=0.1),
    dict(x=0.5, y=1.0, w=-1.2, b=2.0),
    # a large x: a central difference of the loss (h = 1e-5) is then off in the 9th digit
    dict(x=50.0, y=1.0, w=0.02, b=-0.5),
]
_MSE_CASES = [
    dict(X=_LINE_X, y=_LINE_Y, w=np.zeros(2)),
    dict(X=_LINE_X, y=_LINE_Y, w=np.array([1.0, 1.0])),
    dict(X=_X_small, y=_y_small, w=np.array([0.5, -1.0, 2.0])),
    dict(X=_X_reg, y=_y_reg, w=_rng.normal(size=3)),
    # close to the minimum of a noisy fit: the gradient is tiny while the loss is large, so a
    # numerical gradient (central differences of the loss) loses its digits to rounding
    dict(X=_X_noisy, y=_y_noisy, w=_w_near_min),
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
        equivalent_mutants={
            "line 1: `1e-05` -> `2e-05`": (
                "The default step: every case passes its own h, and any step near 1e-5 gives "
                "the same derivative to far better than the check's tolerance."
            ),
            "line 1: `1e-05` -> `5e-06`": (
                "The default step: every case passes its own h, and any step near 1e-5 gives "
                "the same derivative to far better than the check's tolerance."
            ),
        },
    ),
    Exercise(
        id="01.03.2",
        title="A numerical gradient, one coordinate at a time",
        checks={"numerical_gradient": Function(cases=_GRAD_CASES, returns=Close(rtol=1e-6))},
        hints=[
            "Partial derivative i is a central difference in which only coordinate i of w moves. "
            "Build a step vector that is h at position i and 0 elsewhere.",
            "In a loop over i: `step = np.zeros(w.shape); step[i] = h; "
            "grad[i] = (f(w + step) - f(w - step)) / (2 * h)`, with `grad = np.zeros(w.shape)` "
            "before the loop (`np.zeros` makes floats even when `w` holds integers).",
        ],
        solution="""
            def numerical_gradient(f, w, h=1e-5):
                \"\"\"Central-difference gradient of the scalar function f at the 1-D array w.\"\"\"
                grad = np.zeros(w.shape)
                for i in range(w.size):
                    step = np.zeros(w.shape)
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
            WrongAnswer(
                """
                def numerical_gradient(f, w, h=1e-5):
                    grad = np.zeros(w.shape)
                    for i in range(w.size):
                        step = np.zeros(w.shape)
                        step[i] = 1e-5
                        grad[i] = (f(w + step) - f(w - step)) / 2e-5
                    return grad
                """,
                "Did you use a fixed step such as 1e-5 instead of the argument `h`? `{name}` must "
                "use the `h` it is given: a caller may need a larger step, for a noisy f or "
                "one that is only computed to a few digits.",
            ),
            WrongAnswer(
                """
                def numerical_gradient(f, w, h=1e-5):
                    grad = np.zeros_like(w)
                    for i in range(w.size):
                        step = np.zeros_like(w)
                        step[i] = h
                        grad[i] = (f(w + step) - f(w - step)) / (2 * h)
                    return grad
                """,
                "Did you build the arrays with `np.zeros_like(w)`? For an integer `w` they are "
                "integer arrays: `step[i] = h` rounds h down to 0, and `grad[i]` drops the "
                "fraction. Use `np.zeros(w.shape)`, which makes floats.",
            ),
        ],
        equivalent_mutants={
            "line 1: `1e-05` -> `2e-05`": (
                "The default step: every case passes its own h, and any step near 1e-5 gives "
                "the same derivative to far better than the check's tolerance."
            ),
            "line 1: `1e-05` -> `5e-06`": (
                "The default step: every case passes its own h, and any step near 1e-5 gives "
                "the same derivative to far better than the check's tolerance."
            ),
        },
    ),
    Exercise(
        id="01.03.3",
        title="The chain rule for a loss the text did not derive: log-loss",
        checks={"log_loss_dw": Function(cases=_NEURON_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "Forward pass first: z = w x + b and a = 1 / (1 + exp(-z)). Then only the first link "
            "of the worked example's chain changes: for L = -[y log a + (1 - y) log(1 - a)], "
            "dL/da = -y/a + (1 - y)/(1 - a). The links da/dz = a(1 - a) and dz/dw = x stay.",
            "`a = 1 / (1 + np.exp(-(w * x + b)))`, `dL_da = -y / a + (1 - y) / (1 - a)`, "
            "`return dL_da * a * (1 - a) * x`.",
        ],
        solution="""
            def log_loss_dw(x, y, w, b):
                \"\"\"dL/dw of the log-loss of one sigmoid neuron on one example (x, y).\"\"\"
                a = 1 / (1 + np.exp(-(w * x + b)))
                dL_da = -y / a + (1 - y) / (1 - a)
                return dL_da * a * (1 - a) * x
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def log_loss_dw(x, y, w, b):
                    a = 1 / (1 + np.exp(-(w * x + b)))
                    return 2 * (a - y) * a * (1 - a) * x
                """,
                "Did you reuse the worked example's squared-error derivative 2(a - y)? With the "
                "log-loss the first link is dL/da = -y/a + (1 - y)/(1 - a).",
            ),
            WrongAnswer(
                """
                def log_loss_dw(x, y, w, b):
                    a = 1 / (1 + np.exp(-(w * x + b)))
                    return (-y / a + (1 - y) / (1 - a)) * x
                """,
                "Did you skip the sigmoid? Its derivative a(1 - a) is a link of the chain "
                "between a and z.",
            ),
            WrongAnswer(
                """
                def log_loss_dw(x, y, w, b):
                    a = 1 / (1 + np.exp(-(w * x + b)))
                    return (-y / a + (1 - y) / (1 - a)) * a * (1 - a)
                """,
                "Did you stop at z? That is dL/dz; the last link, dz/dw = x, is missing.",
            ),
            WrongAnswer(
                """
                def log_loss_dw(x, y, w, b):
                    a = 1 / (1 + np.exp(-(w * x + b)))
                    return (y / a - (1 - y) / (1 - a)) * a * (1 - a) * x
                """,
                "Did you drop the minus sign in front of the log-loss? Without it `{name}` is the "
                "derivative of the log-likelihood, which training maximises, not of the loss.",
            ),
            WrongAnswer(
                """
                def log_loss_dw(x, y, w, b):
                    a = 1 / (1 + np.exp(-(w * x + b)))
                    return -y / a * a * (1 - a) * x
                """,
                "Did you keep only the term -y log a? That is the loss for y = 1 alone; for a "
                "label 0 the loss is -log(1 - a), so keep both terms.",
            ),
            WrongAnswer(
                """
                def log_loss_dw(x, y, w, b):
                    def loss(w):
                        a = 1 / (1 + np.exp(-(w * x + b)))
                        return -(y * np.log(a) + (1 - y) * np.log(1 - a))

                    h = 1e-5
                    return (loss(w + h) - loss(w - h)) / (2 * h)
                """,
                "Did you differentiate the loss numerically, with a central difference? That "
                "approximates dL/dw (its error grows like h² and, here, with x³), it does not "
                "derive it; apply the chain rule link by link instead.",
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
            WrongAnswer(
                """
                def mse_gradient(X, y, w):
                    h = 1e-5
                    grad = np.zeros(len(w))
                    for i in range(len(w)):
                        step = np.zeros(len(w))
                        step[i] = h
                        loss_plus = np.mean((X @ (w + step) - y) ** 2)
                        loss_minus = np.mean((X @ (w - step) - y) ** 2)
                        grad[i] = (loss_plus - loss_minus) / (2 * h)
                    return grad
                """,
                "Did you compute `{name}` numerically, with central differences as in exercise 2? "
                "Near the minimum the gradient is tiny while the loss is large, and rounding the "
                "loss costs most of the digits. Derive the formula from the residuals r = Xw - y.",
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
        title="Autograd for a gradient we never derived in matrix form",
        checks={"grad_torch": Close(rtol=1e-8, atol=1e-10)},
        hints=[
            "As in the worked example: float64 tensors from `A_diab`, `y_high` and `w_check` (only "
            "the weights with `requires_grad=True`); then `p = torch.sigmoid(A_t @ w_t)`, the mean "
            "log-loss of `p` against `y_t`, `loss.backward()`, and the weights' `.grad`.",
            "`loss = -torch.mean(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))`, "
            "`loss.backward()`, `grad_torch = w_t.grad.detach().numpy()`.",
        ],
        solution="""
            A_t = torch.tensor(A_diab, dtype=torch.float64)
            y_t = torch.tensor(y_high, dtype=torch.float64)
            w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
            p = torch.sigmoid(A_t @ w_t)
            loss = -torch.mean(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))
            loss.backward()
            grad_torch = w_t.grad.detach().numpy()
        """,
        wrong_answers=[
            WrongAnswer(
                "grad_torch = mse_grad(w_check)\n",
                "Did you call the lesson's NumPy function `mse_grad`? It is the hand-derived "
                "gradient of the mean squared error, and it involves no torch at all; `{name}` is "
                "the gradient of the log-loss, read from `.grad` after `loss.backward()`.",
            ),
            WrongAnswer(
                """
                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_high, dtype=torch.float64)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                loss = torch.mean((A_t @ w_t - y_t) ** 2)
                loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you copy the worked example's squared error? This model predicts a "
                "probability p = sigmoid(A w), and its loss is the log-loss of p.",
            ),
            WrongAnswer(
                """
                A_t = torch.tensor(A_diab, dtype=torch.float32)
                y_t = torch.tensor(y_high, dtype=torch.float32)
                w_t = torch.tensor(w_check, dtype=torch.float32, requires_grad=True)
                p = torch.sigmoid(A_t @ w_t)
                loss = -torch.mean(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))
                loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you compute in float32 (`torch.float32`, `.float()` or `torch.tensor` of a "
                "Python list)? It keeps about 7 digits, so `{name}` is off in the 7th; create "
                "every tensor with `dtype=torch.float64` to compare with NumPy.",
            ),
            WrongAnswer(
                """
                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_high, dtype=torch.float64)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                for _ in range(2):
                    p = torch.sigmoid(A_t @ w_t)
                    loss = -torch.mean(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))
                    loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you call `.backward()` twice before reading `.grad` (in a loop, or once more "
                "to check)? Gradients accumulate: the second call added the same gradient again. "
                "Call it once, or zero `.grad` in between (`w_t.grad.zero_()`).",
            ),
            WrongAnswer(
                """
                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_high, dtype=torch.float64)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                p = torch.sigmoid(A_t @ w_t)
                loss = -torch.sum(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))
                loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you sum the losses of the examples? The loss is their mean, so `{name}` is "
                "n times too large.",
            ),
            WrongAnswer(
                """
                A_t = torch.tensor(A_diab, dtype=torch.float64)
                y_t = torch.tensor(y_high, dtype=torch.float64).reshape(-1, 1)
                w_t = torch.tensor(w_check, dtype=torch.float64, requires_grad=True)
                p = torch.sigmoid(A_t @ w_t)
                loss = -torch.mean(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))
                loss.backward()
                grad_torch = w_t.grad.detach().numpy()
                """,
                "Did you make the targets a column of shape (n, 1)? Combined with predictions of "
                "shape (n,) it broadcasts to an n × n table, a silent classic: keep both 1-D.",
            ),
        ],
        equivalent_mutants={
            "line 1: keyword `dtype=torch.float64` dropped from `torch.tensor`": (
                "`torch.tensor` of a float64 NumPy array is already float64."
            ),
            "line 2: keyword `dtype=torch.float64` dropped from `torch.tensor`": (
                "`torch.tensor` of a float64 NumPy array is already float64."
            ),
            "line 3: keyword `dtype=torch.float64` dropped from `torch.tensor`": (
                "`torch.tensor` of a float64 NumPy array is already float64."
            ),
            "line 5: `1 - p` -> `p - 1`": (
                "log(p - 1) has the same derivative as log(1 - p), -1/(1 - p); its value is "
                "NaN, but only the gradient is checked, and backward() never uses the value."
            ),
        },
    ),
]
