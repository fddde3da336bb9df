"""Exercises of 07_bandits.ipynb: cumulative regret, an epsilon-greedy policy and an A/B test
(explore-then-commit) replayed on stated reward tables, the UCB1 index (unplayed arms, ties)
and Thompson sampling's probability that each arm is the best under Beta posteriors."""

from __future__ import annotations

import numpy as np

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

# --- 04.07.1: cumulative regret -----------------------------------------------------------------
# Cases: one run; a run that never plays the best arm (the best of the arms *played* is not the
# best arm); two arms tied for best; several runs at once (rows), where a cumsum without an axis
# runs on from one row into the next; integer means.
_REGRET_CASES = [
    dict(arms=np.array([0, 1, 2, 2, 1, 2]), means=np.array([0.1, 0.5, 0.3])),
    dict(arms=np.array([0, 0, 1, 0, 1]), means=np.array([0.2, 0.4, 0.9, 0.6])),
    dict(arms=np.array([0, 1, 2, 1, 0]), means=np.array([0.4, 0.4, 0.1])),
    dict(
        arms=np.array([[0, 1, 1, 1], [2, 2, 0, 1], [1, 1, 1, 1]]),
        means=np.array([0.25, 0.75, 0.5]),
    ),
    dict(arms=np.array([3, 0, 2]), means=np.array([5, 1, 2, 4])),
]


# --- 04.07.2 and 04.07.3: policies replayed on a stated reward table ----------------------------
def _table(seed, num_steps, means, explore_rate=0.2):
    """A reward table (row t: what each arm would pay at step t) with its exploration draws."""
    rng = np.random.default_rng(seed)
    means = np.asarray(means)
    rewards = (rng.random((num_steps, len(means))) < means).astype(float)
    explore = rng.random(num_steps) < explore_rate
    random_arms = rng.integers(len(means), size=num_steps)
    return rewards, explore, random_arms


def _greedy_cases():
    cases = [
        # a first win on arm 0: a policy that starts every estimate at 0 stays there
        dict(
            rewards=np.array(
                [
                    [1.0, 0.0, 0.0],
                    [1.0, 1.0, 0.0],
                    [0.0, 1.0, 1.0],
                    [0.0, 1.0, 1.0],
                    [0.0, 1.0, 1.0],
                    [0.0, 1.0, 1.0],
                ]
            ),
            explore=np.array([False] * 6),
            random_arms=np.array([0, 0, 0, 0, 0, 0]),
        ),
        # an exploratory pull of arm 2 that pays: it must count in arm 2's estimate
        dict(
            rewards=np.array(
                [
                    [0.0, 1.0, 0.0],
                    [1.0, 0.0, 0.0],
                    [0.0, 0.0, 0.0],
                    [0.0, 1.0, 1.0],
                    [1.0, 0.0, 1.0],
                    [0.0, 1.0, 1.0],
                    [1.0, 1.0, 0.0],
                    [0.0, 0.0, 1.0],
                ]
            ),
            explore=np.array([False, False, False, True, False, False, True, False]),
            random_arms=np.array([1, 1, 1, 2, 0, 0, 2, 1]),
        ),
        # an exploratory pull before every arm has been tried: `explore` rules from step 0 on,
        # so a policy that first plays each arm once, whatever `explore` says, goes wrong
        dict(
            rewards=np.array(
                [
                    [0.0, 1.0, 1.0],
                    [1.0, 0.0, 1.0],
                    [0.0, 0.0, 1.0],
                    [1.0, 1.0, 0.0],
                    [1.0, 0.0, 0.0],
                    [1.0, 0.0, 1.0],
                    [0.0, 1.0, 1.0],
                ]
            ),
            explore=np.array([False, True, False, False, False, False, False]),
            random_arms=np.array([2, 0, 1, 1, 0, 2, 0]),
        ),
    ]
    for seed, num_steps, means in [
        (1, 40, [0.2, 0.5, 0.7]),
        (2, 60, [0.6, 0.3, 0.5, 0.4]),
        (3, 50, [0.5, 0.55]),
    ]:
        rewards, explore, random_arms = _table(seed, num_steps, means)
        cases.append(dict(rewards=rewards, explore=explore, random_arms=random_arms))
    # rewards that are not 0/1 (revenue per visit): an arm played more often has a larger sum
    rng = np.random.default_rng(4)
    revenue = np.round(rng.exponential([2.0, 3.0, 2.5], size=(40, 3)), 2)
    cases.append(
        dict(rewards=revenue, explore=rng.random(40) < 0.3, random_arms=rng.integers(3, size=40))
    )
    return cases


_GREEDY_CASES = _greedy_cases()


def _commit_cases():
    cases = []
    for seed, num_steps, means, m in [
        (5, 40, [0.3, 0.6, 0.5], 4),
        (6, 60, [0.5, 0.4, 0.45, 0.2], 5),
        (7, 30, [0.6, 0.5], 3),
        (8, 45, [0.2, 0.3, 0.7], 1),
    ]:
        rewards, _, _ = _table(seed, num_steps, means)
        cases.append(dict(rewards=rewards, m=m))
    # the test arm that wins is not the arm with the most reward over the whole table
    cases.append(
        dict(
            rewards=np.array(
                [
                    [0.0, 1.0],
                    [0.0, 1.0],
                    [1.0, 0.0],
                    [1.0, 0.0],
                    [1.0, 0.0],
                    [1.0, 0.0],
                    [1.0, 0.0],
                    [1.0, 0.0],
                ]
            ),
            m=1,
        )
    )
    # the test means tie (0.5 each): ties go to the lowest index; a decision that peeks at
    # step m * K's reward (arm 0 pays 0 there) or at the whole table picks arm 1 instead
    cases.append(
        dict(
            rewards=np.array(
                [
                    [1.0, 0.0],
                    [0.0, 1.0],
                    [0.0, 1.0],
                    [1.0, 0.0],
                    [0.0, 1.0],
                    [0.0, 1.0],
                    [0.0, 1.0],
                    [0.0, 1.0],
                ]
            ),
            m=2,
        )
    )
    # a test longer than the horizon: the policy never gets to commit
    rewards, _, _ = _table(9, 7, [0.5, 0.5, 0.5])
    cases.append(dict(rewards=rewards, m=3))
    return cases


_COMMIT_CASES = _commit_cases()

# --- 04.07.4: the UCB1 index --------------------------------------------------------------------
# Cases: no arm played yet (t = 1); one unplayed arm among played ones; two arms with the same
# data (a tie); counts of 1, 4, 16 and 64 (how the bonus shrinks); an arm played once against one
# played a hundred times; integer counts and sums.
_UCB_CASES = [
    dict(counts=np.array([0, 0, 0]), sums=np.array([0.0, 0.0, 0.0]), t=1),
    dict(counts=np.array([3, 0, 5]), sums=np.array([2.0, 0.0, 1.0]), t=9),
    dict(counts=np.array([10, 10, 4]), sums=np.array([5.0, 5.0, 3.0]), t=25),
    dict(counts=np.array([1, 4, 16, 64]), sums=np.array([0.0, 2.0, 8.0, 40.0]), t=86),
    dict(counts=np.array([100, 1]), sums=np.array([60.0, 0.0]), t=102),
    dict(counts=np.array([7, 2, 1]), sums=np.array([4, 2, 1]), t=11),
]

# --- 04.07.5: Thompson sampling's probability that each arm is best -----------------------------
# Cases: no data (every arm equally likely); the same success rate from 10 and from 1000 pulls,
# plus an unplayed arm; an arm that is almost surely never best and stands last (a bincount
# without minlength is one entry short); few pulls, where the prior matters; two arms.
_BEST_CASES = [
    dict(successes=np.array([0, 0, 0]), pulls=np.array([0, 0, 0])),
    dict(successes=np.array([6, 600, 0]), pulls=np.array([10, 1000, 0])),
    dict(successes=np.array([600, 300, 0]), pulls=np.array([1000, 1000, 40])),
    dict(successes=np.array([3, 1, 2]), pulls=np.array([4, 2, 6])),
    dict(successes=np.array([12, 40]), pulls=np.array([20, 80])),
]
_BEST_CASES = [dict(case, num_samples=20_000, seed=4075 + i) for i, case in enumerate(_BEST_CASES)]

_FULL_INFORMATION = (
    "Did you update the estimates with the whole row `rewards[t]`? A bandit only sees the "
    "reward of the arm it played; the other entries of the row are what the other arms "
    "*would* have paid. Add `rewards[t, arm]` to the played arm only."
)

EXERCISES = [
    Exercise(
        id="04.07.1",
        title="Cumulative regret of a sequence of choices",
        checks={"cumulative_regret": Function(cases=_REGRET_CASES)},
        hints=[
            "`means[arms]` looks up the mean reward of the arm played at every step, for a 1-D or "
            "a 2-D `arms` alike. The best arm's mean is the largest of *all* the means.",
            "Subtract, then add up along the steps, which are the last axis: `np.cumsum(..., "
            "axis=-1)` keeps the runs (rows) apart.",
        ],
        solution="""
            def cumulative_regret(arms, means):
                \"\"\"Regret after each step: best mean minus played mean, added up along the last axis.\"\"\"
                return np.cumsum(np.max(means) - means[arms], axis=-1)
        """,
        wrong_answers=[
            WrongAnswer(
                "def cumulative_regret(arms, means):\n    return np.max(means) - means[arms]\n",
                "Did you return the regret of each step? `{name}` should add them up: entry t "
                "is the total regret of the first t + 1 steps (`np.cumsum`).",
            ),
            WrongAnswer(
                "def cumulative_regret(arms, means):\n"
                "    return np.cumsum(np.max(means) - means[arms])\n",
                "Did you call `np.cumsum` without `axis`? On several runs (one per row) it "
                "flattens them and carries one run's regret into the next; add up along the "
                "steps with `axis=-1`.",
            ),
            WrongAnswer(
                "def cumulative_regret(arms, means):\n"
                "    return np.cumsum(np.max(means[arms]) - means[arms], axis=-1)\n",
                "Did you compare with the best arm *played*? A policy that never tries the best "
                "arm then shows no regret at all; compare with the largest of all the means.",
            ),
            WrongAnswer(
                "def cumulative_regret(arms, means):\n"
                "    return np.cumsum(np.mean(means) - means[arms], axis=-1)\n",
                "Did you compare with the average arm? Regret is measured against the *best* "
                "arm, `np.max(means)`, so it is never negative.",
            ),
        ],
    ),
    Exercise(
        id="04.07.2",
        title="Epsilon-greedy, replayed on a stated reward table",
        checks={"run_epsilon_greedy": Function(cases=_GREEDY_CASES)},
        hints=[
            "Keep two arrays of length K, `counts` (pulls of each arm) and `sums` (reward each "
            "arm has paid), and loop over the steps: choose, then update only the chosen arm.",
            "An arm's estimate is `sums / counts` where `counts > 0` and `np.inf` elsewhere "
            "(`np.where` or `np.divide(..., where=...)`); `np.argmax` returns the first of tied "
            "arms. When `explore[t]` is true, play `random_arms[t]` instead.",
        ],
        solution="""
            def run_epsilon_greedy(rewards, explore, random_arms):
                \"\"\"The arm played at each step by epsilon-greedy on the table `rewards`.\"\"\"
                num_steps, num_arms = rewards.shape
                counts = np.zeros(num_arms)
                sums = np.zeros(num_arms)
                arms = np.zeros(num_steps, dtype=int)
                for t in range(num_steps):
                    if explore[t]:
                        arm = random_arms[t]
                    else:
                        estimates = np.divide(sums, counts, out=np.full(num_arms, np.inf), where=counts > 0)
                        arm = np.argmax(estimates)
                    counts[arm] += 1
                    sums[arm] += rewards[t, arm]
                    arms[t] = arm
                return arms
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        estimates = np.divide(sums, counts, out=np.full(num_arms, np.inf), where=counts > 0)
                        arm = np.argmax(estimates)
                        counts[arm] += 1
                        sums[arm] += rewards[t, arm]
                        arms[t] = arm
                    return arms
                """,
                "Did you leave out the exploration? `{name}` never plays `random_arms[t]` when "
                "`explore[t]` is true: a bandit that never explores can lock onto a worse arm "
                "for ever.",
            ),
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        if explore[t]:
                            arm = random_arms[t]
                        else:
                            arm = np.argmax(sums / np.maximum(counts, 1))
                        counts[arm] += 1
                        sums[arm] += rewards[t, arm]
                        arms[t] = arm
                    return arms
                """,
                "Did you start every estimate at 0? Then the first arm that pays once looks best "
                "and the others may never be tried; an unplayed arm's estimate is `np.inf`, so "
                "the greedy step tries every arm once first.",
            ),
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        if explore[t]:
                            arm = random_arms[t]
                        else:
                            played = np.where(counts > 0, sums, np.inf)
                            arm = np.argmax(played)
                        counts[arm] += 1
                        sums[arm] += rewards[t, arm]
                        arms[t] = arm
                    return arms
                """,
                "Did you pick the arm with the largest *total* reward? The arm played most "
                "often piles up reward even when it pays less per pull; compare the means, "
                "`sums / counts`.",
            ),
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        if explore[t]:
                            arm = random_arms[t]
                        else:
                            estimates = np.divide(sums, counts, out=np.full(num_arms, np.inf), where=counts > 0)
                            arm = np.argmax(estimates)
                        counts += 1
                        sums += rewards[t]
                        arms[t] = arm
                    return arms
                """,
                _FULL_INFORMATION,
            ),
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        if explore[t]:
                            arms[t] = random_arms[t]
                            continue
                        estimates = np.divide(sums, counts, out=np.full(num_arms, np.inf), where=counts > 0)
                        arm = np.argmax(estimates)
                        counts[arm] += 1
                        sums[arm] += rewards[t, arm]
                        arms[t] = arm
                    return arms
                """,
                "Did you skip the update after an exploratory pull? Its reward is information, "
                "the reason to explore at all: add it to that arm's count and sum as for any "
                "other pull.",
            ),
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        if t < num_arms:
                            arm = t
                        elif explore[t]:
                            arm = random_arms[t]
                        else:
                            arm = np.argmax(sums / counts)
                        counts[arm] += 1
                        sums[arm] += rewards[t, arm]
                        arms[t] = arm
                    return arms
                """,
                "Did you play each arm once at the start, whatever `explore` says? The coin "
                "flip comes first at every step, the first K included; only a greedy step "
                "prefers an unplayed arm (estimate `np.inf`).",
            ),
            WrongAnswer(
                """
                def run_epsilon_greedy(rewards, explore, random_arms):
                    num_steps, num_arms = rewards.shape
                    counts = np.zeros(num_arms)
                    estimates = np.zeros(num_arms)
                    arms = np.zeros(num_steps, dtype=int)
                    for t in range(num_steps):
                        if explore[t]:
                            arm = random_arms[t]
                        else:
                            arm = np.argmax(np.where(counts > 0, estimates, np.inf))
                        counts[arm] += 1
                        estimates[arm] += (rewards[t, arm] - estimates[arm]) / counts[arm]
                        arms[t] = arm
                    return arms
                """,
                "Did you update a running mean, Q += (r − Q) / n? It is the sample mean up to "
                "rounding, but rounding can break a tie the other way (2/3 can come out as "
                "0.6666666666666667 for one arm and 0.6666666666666666 for another). Keep "
                "`counts` and `sums` and compare `sums / counts`, as the statement asks.",
            ),
        ],
        equivalent_mutants={
            "line 6: keyword `dtype=int` dropped from `np.zeros`": (
                "The array then holds the arm numbers as floats (2.0 for arm 2): the same numbers."
            ),
            "line 11: keyword `where=counts > 0` dropped from `np.divide`": (
                "An unplayed arm then gets 0 / 0 = NaN instead of inf, and `np.argmax` returns "
                "the first NaN as it returns the first inf: the lowest-index unplayed arm."
            ),
            "line 11: `counts > 0` -> `counts >= 0`": (
                "Dividing everywhere gives NaN for unplayed arms, which `np.argmax` picks first, "
                "as it picks the first inf: the same arm."
            ),
            "line 13: `1` -> `2`": (
                "Counting every pull twice halves every played arm's estimate; the order of the "
                "estimates, and so the argmax, is unchanged."
            ),
        },
    ),
    Exercise(
        id="04.07.3",
        title="An A/B test is explore-then-commit",
        checks={"explore_then_commit": Function(cases=_COMMIT_CASES)},
        hints=[
            "During the test, step t plays arm `t % K` (round robin), so each arm gets `m` "
            "pulls in the first `m * K` steps. The reward the policy sees at step t is "
            "`rewards[t, arm]`, one entry per row, not the whole row.",
            "Build the round-robin sequence for all T steps at once with `%`, then overwrite "
            "the steps after the test. For the decision, average each arm's observed rewards over the test (reshape the `m * K` "
            "observed rewards to `(m, K)`) and fill the remaining steps with the `np.argmax` of "
            "those means.",
        ],
        solution="""
            def explore_then_commit(rewards, m):
                \"\"\"Round robin for m pulls of each arm, then the best test arm for the rest.\"\"\"
                num_steps, num_arms = rewards.shape
                arms = np.arange(num_steps) % num_arms
                test_steps = m * num_arms
                if test_steps < num_steps:
                    seen = rewards[np.arange(test_steps), arms[:test_steps]].reshape(m, num_arms)
                    arms[test_steps:] = np.argmax(seen.mean(axis=0))
                return arms
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def explore_then_commit(rewards, m):
                    num_steps, num_arms = rewards.shape
                    arms = np.arange(num_steps) % num_arms
                    test_steps = m * num_arms
                    if test_steps < num_steps:
                        arms[test_steps:] = np.argmax(rewards[:test_steps].mean(axis=0))
                    return arms
                """,
                "Did you average every column of `rewards` over the test? During the test the "
                "policy sees one reward per step, `rewards[t, arms[t]]`, only for the arm it "
                "played; the other columns are what the other arms *would* have paid.",
            ),
            WrongAnswer(
                """
                def explore_then_commit(rewards, m):
                    num_steps, num_arms = rewards.shape
                    arms = np.arange(num_steps) % num_arms
                    if m < num_steps:
                        seen = rewards[np.arange(m), arms[:m]]
                        means = np.bincount(arms[:m], weights=seen, minlength=num_arms) / np.maximum(
                            np.bincount(arms[:m], minlength=num_arms), 1)
                        arms[m:] = np.argmax(means)
                    return arms
                """,
                "Did you run the test for `m` steps in all? `m` is the number of pulls of *each* "
                "arm, so the test lasts `m * K` steps.",
            ),
            WrongAnswer(
                """
                def explore_then_commit(rewards, m):
                    num_steps, num_arms = rewards.shape
                    arms = np.arange(num_steps) % num_arms
                    counts = np.zeros(num_arms)
                    sums = np.zeros(num_arms)
                    for t in range(num_steps):
                        if t >= m * num_arms:
                            arms[t] = np.argmax(sums / counts)
                        counts[arms[t]] += 1
                        sums[arms[t]] += rewards[t, arms[t]]
                    return arms
                """,
                "Did you keep choosing the best-looking arm after the test? That is a greedy "
                "policy whose choice can still change; an A/B test decides once, at the end of "
                "the test, and then plays that arm for the rest of the horizon.",
            ),
            WrongAnswer(
                """
                def explore_then_commit(rewards, m):
                    num_steps, num_arms = rewards.shape
                    arms = np.repeat(np.arange(num_arms), m)
                    arms = np.concatenate([arms, np.zeros(max(num_steps - len(arms), 0), dtype=int)])[:num_steps]
                    test_steps = m * num_arms
                    if test_steps < num_steps:
                        seen = rewards[np.arange(test_steps), arms[:test_steps]].reshape(num_arms, m)
                        arms[test_steps:] = np.argmax(seen.mean(axis=1))
                    return arms
                """,
                "Did you test the arms one block after another (all of arm 0's pulls first)? The "
                "test alternates, round robin: step t plays arm `t % K`, so that every arm meets "
                "the same hours, days and seasons.",
            ),
        ],
        equivalent_mutants={
            "line 6: `test_steps < num_steps` -> `test_steps <= num_steps`": (
                "When the test fills the horizon exactly, `arms[test_steps:]` is empty and the "
                "commit changes nothing."
            ),
            "line 8: `seen.mean` -> `seen.sum`": (
                "Every arm has exactly m test pulls, so the sums are the means times m and have "
                "the same argmax."
            ),
        },
    ),
    Exercise(
        id="04.07.4",
        title="The UCB1 index: optimism with a shrinking bonus",
        checks={"ucb1_index": Function(cases=_UCB_CASES)},
        hints=[
            "For a played arm the index is its mean reward plus the bonus "
            "sqrt(2 ln t / n), with n the arm's pulls and the natural logarithm `np.log`. For an arm with "
            "`counts == 0` it is `np.inf`.",
            "Start from an array of K infinities (`np.full`) and overwrite only the entries of "
            "the played arms, selected with a boolean mask, so that no division by zero ever "
            "happens.",
        ],
        solution="""
            def ucb1_index(counts, sums, t):
                \"\"\"UCB1's index of every arm before round t (counting from 1).\"\"\"
                index = np.full(len(counts), np.inf)
                played = counts > 0
                n = counts[played]
                index[played] = sums[played] / n + np.sqrt(2 * np.log(t) / n)
                return index
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def ucb1_index(counts, sums, t):
                    index = np.full(len(counts), np.inf)
                    played = counts > 0
                    n = counts[played]
                    index[played] = sums[played] / n + np.sqrt(np.log(t) / n)
                    return index
                """,
                "Did you drop the 2 under the square root? UCB1's bonus is "
                "sqrt(2 ln t / n); its regret guarantee is proved for that constant.",
            ),
            WrongAnswer(
                """
                def ucb1_index(counts, sums, t):
                    n = np.maximum(counts, 1)
                    return sums / n + np.sqrt(2 * np.log(t) / n)
                """,
                "Did you treat an unplayed arm as if it had one pull? Its index must be infinite "
                "(`np.inf`) so that UCB1 tries every arm before comparing them.",
            ),
            WrongAnswer(
                """
                def ucb1_index(counts, sums, t):
                    index = np.full(len(counts), np.inf)
                    played = counts > 0
                    n = counts[played]
                    index[played] = sums[played] / n + np.sqrt(2 * np.log(n) / n)
                    return index
                """,
                "Did you take the logarithm of the arm's own count? The bonus grows with the "
                "round number t, `np.log(t)`, so that an arm left alone for long gets tried again.",
            ),
            WrongAnswer(
                """
                def ucb1_index(counts, sums, t):
                    index = np.full(len(counts), np.inf)
                    played = counts > 0
                    n = counts[played]
                    index[played] = sums[played] / n + 2 * np.log(t) / n
                    return index
                """,
                "Did you forget the square root? The bonus is sqrt(2 ln t / n): it shrinks like "
                "the standard error of a mean, 1 / sqrt(n).",
            ),
            WrongAnswer(
                """
                def ucb1_index(counts, sums, t):
                    index = np.full(len(counts), np.inf)
                    played = counts > 0
                    n = counts[played]
                    index[played] = sums[played] + np.sqrt(2 * np.log(t) / n)
                    return index
                """,
                "Did you add the bonus to the total reward? The index starts from the arm's "
                "*mean* reward, `sums / counts`.",
            ),
        ],
    ),
    Exercise(
        id="04.07.5",
        title="Thompson sampling: the probability that each arm is best",
        checks={"prob_best": Function(cases=_BEST_CASES, returns=Close(rtol=0.0, atol=0.02))},
        hints=[
            "With a Beta(1, 1) prior, an arm with s successes in n pulls has the posterior "
            "Beta(1 + s, 1 + n − s). A generator's `.beta(a, b, size=(num_samples, K))` "
            "draws `num_samples` rows, one value per arm in each, when `a` and `b` are arrays of "
            "length K.",
            "In each row, the arm with the largest draw is that sample's best arm "
            "(`argmax(axis=1)`). Count how often each arm wins with `np.bincount(..., "
            "minlength=K)` and divide by `num_samples`.",
        ],
        solution="""
            def prob_best(successes, pulls, num_samples, seed):
                \"\"\"Monte Carlo probability that each arm has the highest mean, Beta(1, 1) prior.\"\"\"
                rng = np.random.default_rng(seed)
                draws = rng.beta(1 + successes, 1 + pulls - successes, size=(num_samples, len(pulls)))
                wins = np.bincount(draws.argmax(axis=1), minlength=len(pulls))
                return wins / num_samples
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def prob_best(successes, pulls, num_samples, seed):
                    rng = np.random.default_rng(seed)
                    draws = rng.beta(1 + successes, 1 + pulls, size=(num_samples, len(pulls)))
                    wins = np.bincount(draws.argmax(axis=1), minlength=len(pulls))
                    return wins / num_samples
                """,
                "Did you use the number of pulls as the second Beta parameter? It counts the "
                "failures: Beta(1 + successes, 1 + pulls − successes).",
            ),
            WrongAnswer(
                """
                def prob_best(successes, pulls, num_samples, seed):
                    means = (1 + successes) / (2 + pulls)
                    return (means == means.max()) / np.sum(means == means.max())
                """,
                "Did you pick the arm with the best posterior *mean*? That ignores how uncertain "
                "each estimate is, and a policy built on it never explores; draw from each "
                "posterior and count how often each arm's draw is the largest.",
            ),
            WrongAnswer(
                """
                def prob_best(successes, pulls, num_samples, seed):
                    rng = np.random.default_rng(seed)
                    draws = rng.beta(1 + pulls - successes, 1 + successes, size=(num_samples, len(pulls)))
                    wins = np.bincount(draws.argmax(axis=1), minlength=len(pulls))
                    return wins / num_samples
                """,
                "Did you swap the Beta parameters? The first one grows with the successes: "
                "Beta(1 + successes, 1 + failures) has mean (1 + s) / (2 + n).",
            ),
            WrongAnswer(
                """
                def prob_best(successes, pulls, num_samples, seed):
                    rng = np.random.default_rng(seed)
                    draws = rng.beta(1 + successes, 1 + pulls - successes, size=(num_samples, len(pulls)))
                    wins = np.bincount(draws.argmax(axis=1))
                    return wins / num_samples
                """,
                "Did you call `np.bincount` without `minlength`? An arm that is never the best "
                "in any sample then falls off the end; pass `minlength=len(pulls)`.",
            ),
        ],
    ),
]
