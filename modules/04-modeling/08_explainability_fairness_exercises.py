"""Exercises of 08_explainability_fairness.ipynb: permutation importance for one column, partial
dependence from scratch, a linear model's per-prediction contributions, group metrics with
empty groups, and a per-group threshold that caps the false-positive rate (ties in scores)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from mlcourse.exercise import Exercise, Frame, Function, WrongAnswer
from mlcourse.layout import data_file

# --- cases: credit.csv (ISLR's 400 card holders), a new problem for the learner ------------------
# Does a card holder carry a balance above $500? Fitted on rows 0-299, explained on rows 300-399
# (an index that does not start at 0, so a pandas assignment that aligns on it shows).
_credit = pd.read_csv(data_file("credit.csv"))
_CREDIT_X = _credit[["Income", "Limit", "Age"]].assign(
    Student=(_credit["Student"] == "Yes").astype(int)
)
_CREDIT_Y = (_credit["Balance"] > 500).astype(int)
_X_FIT, _Y_FIT = _CREDIT_X.iloc[:300], _CREDIT_Y.iloc[:300]
_X_NEW, _Y_NEW = _CREDIT_X.iloc[300:], _CREDIT_Y.iloc[300:]
_LOGISTIC = Pipeline([("scale", StandardScaler()), ("logistic", LogisticRegression(C=0.05))]).fit(
    _X_FIT, _Y_FIT
)
_TREE = Pipeline([("tree", DecisionTreeClassifier(max_depth=3, random_state=0))]).fit(
    _X_FIT, _Y_FIT
)
_order_rng = np.random.default_rng(8)


# scikit-learn's scorer objects, as the learner meets them (`get_scorer`, `scoring=...`)
neg_log_loss, roc_auc, accuracy = map(get_scorer, ["neg_log_loss", "roc_auc", "accuracy"])


_DROP_CASES = [
    dict(
        model=_LOGISTIC, X=_X_NEW, y=_Y_NEW, column="Limit",
        order=_order_rng.permutation(100), scorer=neg_log_loss,
    ),
    dict(
        model=_LOGISTIC, X=_X_NEW, y=_Y_NEW, column="Income",
        order=_order_rng.permutation(100), scorer=roc_auc,
    ),
    dict(
        model=_TREE, X=_X_NEW.iloc[:60], y=_Y_NEW.iloc[:60], column="Limit",
        order=_order_rng.permutation(60), scorer=accuracy,
    ),
    dict(  # a shuffle that *helps*: 2 more of 100 right, so the importance is negative (-0.02)
        model=_LOGISTIC, X=_X_NEW, y=_Y_NEW, column="Age",
        order=np.random.default_rng(30).permutation(100), scorer=accuracy,
    ),
    dict(  # the identity order: nothing moves, nothing is lost
        model=_LOGISTIC, X=_X_NEW.iloc[:40], y=_Y_NEW.iloc[:40], column="Age",
        order=np.arange(40), scorer=neg_log_loss,
    ),
]  # fmt: skip

_PD_CASES = [
    dict(model=_LOGISTIC, X=_X_NEW, column="Limit", grid=np.array([1000.0, 4000.0, 7000.0])),
    dict(model=_LOGISTIC, X=_X_NEW.iloc[:50], column="Income", grid=np.linspace(10, 150, 5)),
    dict(model=_TREE, X=_X_NEW, column="Limit", grid=np.array([2500.0, 5000.0, 20000.0])),
    dict(model=_TREE, X=_X_NEW.iloc[:30], column="Student", grid=np.array([0, 1])),
]

# background rows that are not the scaler's training rows, so their mean is not the scaler's
_LOGISTIC_WIDE = Pipeline(
    [("scale", StandardScaler()), ("logistic", LogisticRegression(C=1.0))]
).fit(_X_FIT[["Income", "Limit"]], _Y_FIT)
_CONTRIBUTION_CASES = [
    dict(model=_LOGISTIC, X_background=_X_NEW, x=_X_FIT.iloc[[7]]),
    dict(model=_LOGISTIC, X_background=_X_NEW.iloc[:25], x=_X_NEW.iloc[[30]]),
    dict(model=_LOGISTIC_WIDE, X_background=_X_NEW[["Income", "Limit"]],
         x=pd.DataFrame({"Income": [120.0], "Limit": [900.0]})),
]  # fmt: skip

# --- 04.08.4: group metrics, with groups that lack positives or negatives -----------------------
_group_rng = np.random.default_rng(4)
_GROUP_CASES = [
    dict(
        y_true=np.array([1, 0, 0, 1, 1, 0, 0, 0, 1, 0]),
        y_hat=np.array([1, 1, 0, 0, 1, 0, 0, 1, 1, 0]),
        group=np.array(["b", "a", "a", "b", "a", "b", "a", "b", "b", "a"]),
    ),
    dict(  # group "y" has no positive (TPR undefined), group "z" no negative (FPR undefined)
        y_true=np.array([0, 0, 0, 1, 1, 0, 1, 1]),
        y_hat=np.array([1, 0, 0, 1, 0, 1, 1, 0]),
        group=np.array(["y", "y", "y", "x", "x", "x", "z", "z"]),
    ),
    dict(  # three groups of different sizes, integer labels, a rare positive class
        y_true=(_group_rng.random(200) < 0.15).astype(int),
        y_hat=(_group_rng.random(200) < 0.2).astype(int),
        group=_group_rng.choice([2, 0, 1], size=200, p=[0.6, 0.3, 0.1]),
    ),
    dict(  # booleans, all predicted positive
        y_true=np.array([True, False, True, False, False]),
        y_hat=np.ones(5, dtype=bool),
        group=np.array([1, 1, 0, 0, 0]),
    ),
    dict(y_true=[0, 1, 1, 0], y_hat=[0, 1, 0, 0], group=["s", "s", "t", "t"]),  # plain lists
]

# --- 04.08.5: the smallest threshold whose false-positive rate stays under a cap ----------------
_thr_rng = np.random.default_rng(5)
_thr_y = (_thr_rng.random(300) < 0.3).astype(int)
_THRESHOLD_CASES = [
    dict(  # a positive's score sits between two negatives: the best threshold is a positive's
        scores=np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]),
        y_true=np.array([0, 0, 0, 1, 0, 0, 1, 0, 1, 1]),
        max_fpr=0.2,
    ),
    dict(  # ties: three negatives share 0.7, so no threshold flags just one of them
        scores=np.array([0.2, 0.7, 0.7, 0.7, 0.9, 0.3, 0.8, 0.1]),
        y_true=np.array([0, 0, 0, 0, 1, 0, 1, 1]),
        max_fpr=0.25,
    ),
    dict(  # a cap met exactly: 1 of 4 negatives is allowed
        scores=np.array([0.9, 0.8, 0.6, 0.5, 0.4, 0.3]),
        y_true=np.array([0, 1, 0, 1, 0, 0]),
        max_fpr=0.25,
    ),
    dict(  # a cap of 0: the threshold lies above every negative
        scores=np.array([-1.5, 2.0, 0.5, 3.0, 2.0]),
        y_true=np.array([0, 1, 0, 1, 0]),
        max_fpr=0.0,
    ),
    dict(  # rounded scores of 300 rows: many ties across the classes
        scores=np.round(np.clip(_thr_rng.normal(0.35 + 0.25 * _thr_y, 0.2), 0, 1), 2),
        y_true=_thr_y,
        max_fpr=0.1,
    ),
    dict(scores=[0.3, 0.6, 0.6, 0.9], y_true=[0, 1, 0, 1], max_fpr=0.5),  # plain lists
    dict(  # the top score is a negative and no false positive is allowed: flag nobody (inf)
        scores=np.array([0.4, 0.95, 0.7, 0.2, 0.6]),
        y_true=np.array([1, 0, 1, 0, 0]),
        max_fpr=0.0,
    ),
]

EXERCISES = [
    Exercise(
        id="04.08.1",
        title="Permutation importance of one column, for one shuffle",
        checks={"permutation_drop": Function(cases=_DROP_CASES, keeps_inputs=True)},
        hints=[
            "Score the model on the data as it is, then on a copy of `X` in which only the "
            "values of `column` are put in the new order; the importance is how much the score "
            "fell. Scorers are called as `scorer(model, X, y)`, higher is better.",
            "`X.assign(...)` returns a new table with one column replaced. Give it the column's "
            "values as a NumPy array indexed by `order`: a pandas Series put back into a table "
            "lines up by its index labels, which would undo your shuffle.",
        ],
        solution="""
            def permutation_drop(model, X, y, column, order, scorer):
                \"\"\"How much `scorer` falls when the values of `column` are put in `order`.\"\"\"
                shuffled = X.assign(**{column: X[column].to_numpy()[order]})
                return scorer(model, X, y) - scorer(model, shuffled, y)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def permutation_drop(model, X, y, column, order, scorer):
                    baseline = scorer(model, X, y)
                    X[column] = X[column].to_numpy()[order]
                    return baseline - scorer(model, X, y)
                """,
                "Did you shuffle the column of `X` in place? The caller's table is now scrambled, "
                "and the next column's importance would be measured on broken data. Shuffle a "
                "copy: `X.assign(...)` or `X.copy()` first.",
            ),
            WrongAnswer(
                """
                def permutation_drop(model, X, y, column, order, scorer):
                    shuffled = X.copy()
                    shuffled[column] = X[column].iloc[order]
                    return scorer(model, X, y) - scorer(model, shuffled, y)
                """,
                "Did you assign a reordered Series (`X[column].iloc[order]`)? pandas puts each "
                "value back at its index label, which undoes the shuffle, so `{name}` always "
                "finds 0. Assign `X[column].to_numpy()[order]`, which has no labels.",
            ),
            WrongAnswer(
                """
                def permutation_drop(model, X, y, column, order, scorer):
                    shuffled = X.assign(**{column: X[column].to_numpy()[order]})
                    return scorer(model, shuffled, y) - scorer(model, X, y)
                """,
                "Did you subtract the other way round? Scorers are higher-is-better, so an "
                "important column makes the shuffled score lower: return the baseline minus "
                "the shuffled score, a positive drop.",
            ),
            WrongAnswer(
                """
                def permutation_drop(model, X, y, column, order, scorer):
                    return scorer(model, X, y) - scorer(model, X.iloc[order], y)
                """,
                "Did you reorder whole rows (`X.iloc[order]`)? That moves every feature of a "
                "row to another row's label at once; permutation importance moves the values of "
                "one column only, and keeps the others in place.",
            ),
            WrongAnswer(
                """
                def permutation_drop(model, X, y, column, order, scorer):
                    shuffled = X.assign(**{column: X[column].to_numpy()[order]})
                    return abs(scorer(model, X, y) - scorer(model, shuffled, y))
                """,
                "Did you take the absolute value of the change? A shuffle can *improve* the "
                "score by chance when the model barely uses the column; the importance is then "
                "negative, which says the column is noise to this model. Return the signed drop.",
            ),
        ],
    ),
    Exercise(
        id="04.08.2",
        title="Partial dependence from scratch",
        checks={"partial_dependence_curve": Function(cases=_PD_CASES, keeps_inputs=True)},
        hints=[
            "For one grid value v: set `column` to v in *every* row of a copy of `X`, predict "
            "the probability of class 1 for all rows, and average. Repeat for each grid value.",
            "`X.assign(**{column: v})` is a copy of `X` with the column set to `v` in every "
            "row. `predict_proba` returns one column per class; class 1 is the second. One "
            "mean per grid value, in the grid's order.",
        ],
        solution="""
            def partial_dependence_curve(model, X, column, grid):
                \"\"\"Mean predicted probability of class 1 with `column` set to each grid value.\"\"\"
                return np.array(
                    [model.predict_proba(X.assign(**{column: v}))[:, 1].mean() for v in grid]
                )
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def partial_dependence_curve(model, X, column, grid):
                    typical = X.mean().to_frame().T
                    return np.array(
                        [model.predict_proba(typical.assign(**{column: v}))[:, 1][0] for v in grid]
                    )
                """,
                "Did you predict for one average row? The model's prediction at the average "
                "customer is not the average of its predictions (a sigmoid or a tree is not a "
                "straight line): set the value in every row and average the predictions.",
            ),
            WrongAnswer(
                """
                def partial_dependence_curve(model, X, column, grid):
                    return np.array([model.predict(X.assign(**{column: v})).mean() for v in grid])
                """,
                "Did you average `predict`? Hard 0/1 labels give the share of rows over the 0.5 "
                "threshold, not the mean probability; use `predict_proba(...)[:, 1]`.",
            ),
            WrongAnswer(
                """
                def partial_dependence_curve(model, X, column, grid):
                    curve = []
                    for v in grid:
                        X[column] = v
                        curve.append(model.predict_proba(X)[:, 1].mean())
                    return np.array(curve)
                """,
                "Did you overwrite the column of `X` itself? After the call the caller's table "
                "holds the last grid value in every row. Change a copy: `X.assign(...)`.",
            ),
            WrongAnswer(
                """
                def partial_dependence_curve(model, X, column, grid):
                    return np.array(
                        [model.predict_proba(X.iloc[:1].assign(**{column: v}))[:, 1][0] for v in grid]
                    )
                """,
                "Did you follow a single row? That is one individual (ICE) curve; partial "
                "dependence averages such curves over all rows of `X`.",
            ),
        ],
        equivalent_mutants={
            "line 3: call of `np.array` dropped": "The check compares values: a list of the same "
            "numbers holds the same curve (the exercise asks for an array, a list is accepted).",
        },
    ),
    Exercise(
        id="04.08.3",
        title="Why this prediction: a linear model's contributions",
        checks={"logit_contributions": Function(cases=_CONTRIBUTION_CASES, keeps_inputs=True)},
        hints=[
            "In log-odds the model is b + Σ w_j z_j with z the standardised features: "
            "`model[:-1].transform(...)` standardises, `model[-1].coef_[0]` holds the w_j.",
            "The background's mean log-odds is b + Σ w_j (mean of z_j over the background's "
            "rows), so the intercept cancels in the difference and each feature keeps its own "
            "term. Average the background's z over its rows (axis 0), not over its features.",
        ],
        solution="""
            def logit_contributions(model, X_background, x):
                \"\"\"Each feature's share of logit(x) minus the background's mean logit.\"\"\"
                z_background = model[:-1].transform(X_background)
                z_x = model[:-1].transform(x)[0]
                return model[-1].coef_[0] * (z_x - z_background.mean(axis=0))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def logit_contributions(model, X_background, x):
                    return model[-1].coef_[0] * model[:-1].transform(x)[0]
                """,
                "Did you leave out the background? w_j z_j compares the customer with the "
                "*training* mean (where z = 0); the contributions must add up to this "
                "customer's log-odds minus the mean log-odds of `X_background`.",
            ),
            WrongAnswer(
                """
                def logit_contributions(model, X_background, x):
                    difference = x.to_numpy()[0] - X_background.to_numpy().mean(axis=0)
                    return model[-1].coef_[0] * difference
                """,
                "Did you multiply the coefficients by raw differences (dollars, years)? The "
                "coefficients belong to the *standardised* features: pass both through "
                "`model[:-1].transform` first.",
            ),
            WrongAnswer(
                """
                def logit_contributions(model, X_background, x):
                    p_x = model.predict_proba(x)[0, 1]
                    means = X_background.mean()
                    return np.array([
                        p_x - model.predict_proba(x.assign(**{c: means[c]}))[0, 1]
                        for c in x.columns
                    ])
                """,
                "Did you measure the change in *probability*? The sigmoid bends, so those "
                "changes do not add up to the total; in log-odds (`decision_function`) they do.",
            ),
        ],
        equivalent_mutants={
            "line 3: `-1` -> `1`": "The model is a two-step pipeline, so `model[:1]` is "
            "`model[:-1]`: the scaler.",
            "line 4: `-1` -> `1`": "The model is a two-step pipeline, so `model[:1]` is "
            "`model[:-1]`: the scaler.",
            "line 5: `-1` -> `1`": "The model is a two-step pipeline, so `model[1]` is "
            "`model[-1]`: the logistic regression.",
        },
    ),
    Exercise(
        id="04.08.4",
        title="Selection rate, TPR and FPR per group",
        checks={"group_rates": Function(cases=_GROUP_CASES, returns=Frame())},
        hints=[
            'Put the three arrays in one DataFrame and use `groupby("group")`. The selection '
            "rate is the mean of `y_hat` over all the group's rows; the TPR the mean of `y_hat` "
            "over its rows with `y_true == 1`; the FPR over its rows with `y_true == 0`.",
            "Compute each rate as a Series indexed by group, then "
            '`pd.DataFrame({"selection_rate": s, "tpr": t, "fpr": f})` lines them up by '
            "group and leaves NaN where a group has no positive (or no negative) rows.",
        ],
        solution="""
            def group_rates(y_true, y_hat, group):
                \"\"\"Selection rate, TPR and FPR per group (sorted), NaN where undefined.\"\"\"
                rows = pd.DataFrame({"y_true": np.asarray(y_true) == 1,
                                     "y_hat": np.asarray(y_hat) == 1, "group": group})
                positives = rows[rows["y_true"]]
                negatives = rows[~rows["y_true"]]
                return pd.DataFrame({
                    "selection_rate": rows.groupby("group")["y_hat"].mean(),
                    "tpr": positives.groupby("group")["y_hat"].mean(),
                    "fpr": negatives.groupby("group")["y_hat"].mean(),
                }).astype(float)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def group_rates(y_true, y_hat, group):
                    rows = pd.DataFrame({"y_true": np.asarray(y_true) == 1,
                                         "y_hat": np.asarray(y_hat) == 1, "group": group})
                    rows["tp"] = rows["y_true"] & rows["y_hat"]
                    rows["fp"] = ~rows["y_true"] & rows["y_hat"]
                    by_group = rows.groupby("group")
                    return pd.DataFrame({"selection_rate": by_group["y_hat"].mean(),
                                         "tpr": by_group["tp"].mean(),
                                         "fpr": by_group["fp"].mean()}).astype(float)
                """,
                "Did you divide the true and false positives by the size of the whole group? "
                "The TPR divides by the group's positives (`y_true == 1`) and the FPR by its "
                "negatives; a group with no positive has no TPR (NaN).",
            ),
            WrongAnswer(
                """
                def group_rates(y_true, y_hat, group):
                    rows = pd.DataFrame({"y_true": np.asarray(y_true) == 1,
                                         "y_hat": np.asarray(y_hat) == 1, "group": group})
                    flagged = rows[rows["y_hat"]]
                    return pd.DataFrame({
                        "selection_rate": rows.groupby("group")["y_hat"].mean(),
                        "tpr": rows[rows["y_true"]].groupby("group")["y_hat"].mean(),
                        "fpr": (~flagged["y_true"]).groupby(flagged["group"]).mean(),
                    }).astype(float)
                """,
                "Did you take the share of the *flagged* rows that are negative? That is the "
                "false discovery rate, 1 − precision. The FPR is the share of the group's "
                "negatives that were flagged.",
            ),
            WrongAnswer(
                """
                def group_rates(y_true, y_hat, group):
                    rows = pd.DataFrame({"y_true": np.asarray(y_true) == 1,
                                         "y_hat": np.asarray(y_hat) == 1, "group": group})
                    return pd.DataFrame({
                        "selection_rate": rows.groupby("group")["y_hat"].sum() / rows["y_hat"].sum(),
                        "tpr": rows[rows["y_true"]].groupby("group")["y_hat"].mean(),
                        "fpr": rows[~rows["y_true"]].groupby("group")["y_hat"].mean(),
                    }).astype(float)
                """,
                "Did you divide each group's flagged count by *all* flagged rows? That says how "
                "the flags split between groups, which follows the groups' sizes; the selection "
                "rate is the share of the group's own rows that are flagged.",
            ),
        ],
    ),
    Exercise(
        id="04.08.5",
        title="A threshold that caps the false-positive rate",
        checks={"fpr_threshold": Function(cases=_THRESHOLD_CASES)},
        hints=[
            "Flagging `scores >= t` only changes when t passes a score, so the scores themselves "
            "(and `np.inf`, which flags nobody) are the thresholds worth trying. For each, the FPR "
            "is the share of the negatives (`y_true == 0`) with a score >= t.",
            "Try the candidates from the smallest up and return the first whose FPR is at most "
            "`max_fpr`. Tied scores stand or fall together: no threshold flags only some of "
            "them. `np.unique` sorts the candidates.",
        ],
        solution="""
            def fpr_threshold(scores, y_true, max_fpr):
                \"\"\"The smallest score t with a false-positive rate of `scores >= t` <= max_fpr.\"\"\"
                scores = np.asarray(scores)
                negatives = scores[np.asarray(y_true) == 0]
                candidates = np.append(np.unique(scores), np.inf)
                fpr = (negatives >= candidates[:, None]).mean(axis=1)
                return candidates[np.argmax(fpr <= max_fpr)]
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def fpr_threshold(scores, y_true, max_fpr):
                    negatives = np.asarray(scores, dtype=float)[np.asarray(y_true) == 0]
                    return np.quantile(negatives, 1 - max_fpr)
                """,
                "Did you take a quantile of the negatives' scores? `np.quantile` interpolates "
                "between scores and ignores ties, so the FPR it gives can be above the cap or "
                "needlessly below it. Try the scores as thresholds and measure each FPR.",
            ),
            WrongAnswer(
                """
                def fpr_threshold(scores, y_true, max_fpr):
                    scores = np.asarray(scores, dtype=float)
                    negatives = scores[np.asarray(y_true) == 0]
                    candidates = np.append(np.unique(negatives), np.inf)
                    fpr = (negatives >= candidates[:, None]).mean(axis=1)
                    return candidates[np.argmax(fpr <= max_fpr)]
                """,
                "Did you try only the negatives' scores as thresholds? A positive's score "
                "between two negatives is a lower threshold with the same FPR that catches "
                "more positives: take candidates from all the scores.",
            ),
            WrongAnswer(
                """
                def fpr_threshold(scores, y_true, max_fpr):
                    scores = np.asarray(scores, dtype=float)
                    candidates = np.append(np.unique(scores), np.inf)
                    rate = (scores >= candidates[:, None]).mean(axis=1)
                    return candidates[np.argmax(rate <= max_fpr)]
                """,
                "Did you measure the share of *all* rows flagged? That is the selection rate. "
                "The FPR counts only the negatives (`y_true == 0`), flagged or not.",
            ),
            WrongAnswer(
                """
                def fpr_threshold(scores, y_true, max_fpr):
                    scores = np.asarray(scores, dtype=float)
                    negatives = scores[np.asarray(y_true) == 0]
                    candidates = np.append(np.unique(scores), np.inf)
                    fpr = (negatives > candidates[:, None]).mean(axis=1)
                    return candidates[np.argmax(fpr <= max_fpr)]
                """,
                "Did you count a negative as flagged only when its score is *above* t? Rows are "
                "flagged when `score >= t`, so a negative scoring exactly t is a false positive.",
            ),
            WrongAnswer(
                """
                def fpr_threshold(scores, y_true, max_fpr):
                    scores = np.asarray(scores, dtype=float)
                    negatives = scores[np.asarray(y_true) == 0]
                    candidates = np.unique(scores)
                    fpr = (negatives >= candidates[:, None]).mean(axis=1)
                    return candidates[np.argmax(fpr <= max_fpr)]
                """,
                "Did you leave `np.inf` out of the candidates? When even the top score is a "
                "negative and the cap allows none, no score works; `np.argmax` of an all-False "
                "array is 0, which returns the *smallest* score and flags everybody.",
            ),
        ],
    ),
]
