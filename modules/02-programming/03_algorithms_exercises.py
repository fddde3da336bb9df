"""Exercises of 03_algorithms.ipynb: growth measured, top-k, hashing, dynamic programming, DAGs."""

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer

# --- 02.03.1: predict a run time from measurements ------------------------------------------
_TIMING_CASES = [
    # an exact quadratic: 2 ns * n**2, extrapolated far beyond the data
    dict(ns=[1000, 2000, 4000, 8000], times=[0.002, 0.008, 0.032, 0.128], n_new=1_000_000),
    # noisy measurements of a roughly n log n routine: the fit and the end points disagree
    dict(
        ns=[500, 1000, 2000, 4000, 8000],
        times=[0.0021, 0.0039, 0.0086, 0.0160, 0.0335],
        n_new=64_000,
    ),
    # two points only, and a prediction between them
    dict(ns=[100, 400], times=[1.0, 9.0], n_new=200),
    # a constant cost does not grow
    dict(ns=[10, 100, 1000], times=[0.5, 0.5, 0.5], n_new=100_000),
    # measured at the small end only, predicted below the first point
    dict(ns=[64, 128, 256, 512], times=[3e-5, 2.5e-4, 1.9e-3, 1.6e-2], n_new=32),
]

# --- 02.03.2: top-k with ties ----------------------------------------------------------------
_TOP_K_CASES = [
    dict(pairs=[("a", 3), ("b", 9), ("c", 5), ("d", 7)], k=2),
    dict(pairs=[("x", 5), ("y", 8), ("z", 5), ("w", 5)], k=3),  # ties: earlier first
    dict(pairs=[("p", 2), ("q", 1), ("r", 2), ("s", 2)], k=2),  # a tie at the cut
    dict(pairs=[("a", 1.5), ("b", -2.0)], k=5),  # k larger than the stream
    dict(pairs=[("a", 1)], k=0),
    dict(pairs=[], k=3),
    dict(pairs=[("solo", 0.0)], k=1),
    # a stream: an iterator, read once, with no len() and no indexing
    dict(
        pairs=iter([(f"user{i}", (i * 37) % 11) for i in range(40)]),
        k=4,
    ),
]

# --- 02.03.3: a pair with a given sum --------------------------------------------------------
_PAIR_CASES = [
    dict(values=[2, 7, 11, 15], target=9),
    dict(values=[3, 2, 4], target=6),  # 3 + 3 would use one element twice
    dict(values=[3, 3], target=6),
    dict(values=[2, 2, 4], target=6),  # the first 2, not the last
    dict(values=[1, 3, 4, 8, 9, 6], target=7),  # (1, 2) completes before (0, 5)
    dict(values=[0, -3, 3, 0], target=0),
    dict(values=[5], target=10),
    dict(values=[], target=0),
    dict(values=[1, 2, 3], target=100),
]

# --- 02.03.4: edit distance ------------------------------------------------------------------
_EDIT_CASES = [
    dict(a="kitten", b="sitting"),
    dict(a="flaw", b="lawn"),
    dict(a="intention", b="execution"),
    dict(a="", b="abc"),
    dict(a="abc", b=""),
    dict(a="", b=""),
    dict(a="a", b="a"),
    dict(a="a", b="b"),
    dict(a="ab", b="ba"),
    dict(a="sunday", b="saturday"),
    dict(a="Jon Smith", b="John Smyth"),
    dict(a="sitting", b="kitten"),  # a deletion at the end
    dict(a="abc", b="ac"),  # a deletion in the middle
]

# --- 02.03.5 and 02.03.6: pipelines as graphs ------------------------------------------------
_ORDER_CASES = [
    dict(deps={}),
    dict(deps={"train": []}),
    dict(deps={"train": ["data"]}),  # a step named only as a dependency
    dict(deps={"c": [], "b": [], "a": []}),  # ties: alphabetical, not the dict's order
    # a step that becomes ready later can still go before one that has waited
    dict(deps={"a": ["y"], "b": [], "y": [], "c": ["b"]}),
    dict(
        deps={
            "report": ["evaluate"],
            "evaluate": ["train", "split"],
            "train": ["scale"],
            "scale": ["split", "features"],
            "features": ["clean"],
            "split": ["clean"],
            "clean": ["load"],
            "load": [],
        }
    ),
    dict(deps={"d": ["b", "c"], "b": ["a"], "c": ["a"], "e": ["a"]}),
]

_CYCLE_CASES = [
    dict(deps={}),
    dict(deps={"a": []}),
    dict(deps={"a": ["a"]}),  # a step that needs itself
    dict(deps={"d": ["b", "c"], "b": ["a"], "c": ["a"], "a": []}),  # a diamond is no cycle
    dict(deps={"train": ["data"]}),  # a step named only as a dependency
    dict(deps={"a": ["b"], "b": ["c"], "c": ["a"]}),
    # the search enters the cycle at b, from z; the cycle starts at its first name, a
    dict(deps={"z": ["b"], "b": ["c"], "c": ["a"], "a": ["b"]}),
    # the cycle cannot be reached from the first step
    dict(
        deps={
            "report": [],
            "train": ["features"],
            "features": ["clean"],
            "clean": ["train"],
            "load": [],
        }
    ),
    dict(deps={"x": ["y", "w"], "y": ["z"], "w": ["z"], "z": ["w"]}),
]

_DONE_ONLY_SAVES_WORK = (
    "`done` only saves work: a finished step reaches no cycle, so searching it again finds none "
    "either and the answer is the same (only slower, exponentially so on long chains of "
    "diamonds, which no check can time reproducibly)."
)

EXERCISES = [
    Exercise(
        id="02.03.1",
        title="How long will ten times the data take?",
        checks={"predict_time": Function(cases=_TIMING_CASES, returns=Close(rtol=1e-6))},
        hints=[
            "If t = c · n^a, then log t = log c + a · log n: a straight line in (log n, log t). "
            "Fit it to all the measurements, then read the prediction off the line at n_new.",
            "`np.polyfit(x, y, 1)` returns the slope and the intercept of the least-squares "
            "line through the points (x, y). Fit it to the logarithms of both lists; the line "
            "then gives log t at log n_new, and `np.exp` turns that back into a time.",
        ],
        solution="""
            def predict_time(ns, times, n_new):
                \"\"\"Run time at size n_new from a power law t = c * n**a fitted on a log-log scale.\"\"\"
                slope, intercept = np.polyfit(np.log(ns), np.log(times), 1)
                return np.exp(intercept) * n_new**slope
        """,
        wrong_answers=[
            WrongAnswer(
                "def predict_time(ns, times, n_new):\n    return times[-1] * n_new / ns[-1]\n",
                "Did you scale the last time in proportion to n? That assumes the cost grows "
                "linearly; measure the exponent first (the slope on the log-log scale).",
            ),
            WrongAnswer(
                "def predict_time(ns, times, n_new):\n"
                "    slope = np.log(times[-1] / times[0]) / np.log(ns[-1] / ns[0])\n"
                "    return times[-1] * (n_new / ns[-1]) ** slope\n",
                "Did you use only the first and last measurements? One noisy point then decides "
                "the exponent; fit a line through all of them with `np.polyfit`.",
            ),
            WrongAnswer(
                "def predict_time(ns, times, n_new):\n"
                "    slope, intercept = np.polyfit(ns, times, 1)\n"
                "    return intercept + slope * n_new\n",
                "Did you fit a straight line to the raw numbers? A power law is straight only "
                "after taking logarithms of both n and the times.",
            ),
            WrongAnswer(
                "def predict_time(ns, times, n_new):\n"
                "    slope, intercept = np.polyfit(np.log(ns), np.log(times), 1)\n"
                "    return intercept + slope * np.log(n_new)\n",
                "Did you return the logarithm of the time? The line predicts log t; undo the "
                "logarithm with `np.exp`.",
            ),
        ],
    ),
    Exercise(
        id="02.03.2",
        title="The k best items of a stream, ties included",
        checks={"top_k": Function(cases=_TOP_K_CASES, returns=Exact())},
        hints=[
            "Keep a min-heap of at most k entries whose root is the worst of the best so far. "
            "To break ties by arrival, push `(score, -position, item)`: among equal scores the "
            "latest arrival is then the smallest entry, the first to go. Sort the heap at the end.",
            "Compare the scores only, never the items: sorting or taking the largest of the "
            "pairs themselves orders equal scores by the item's name. `heapq` has a function "
            "that keeps the k largest of an iterable by a `key`, reading it once; check in its "
            "documentation what it does with ties and with k = 0.",
        ],
        solution="""
            def top_k(pairs, k):
                \"\"\"The k (item, score) pairs with the highest scores, highest first.\"\"\"
                return heapq.nlargest(k, pairs, key=lambda pair: pair[1])
        """,
        wrong_answers=[
            WrongAnswer(
                "def top_k(pairs, k):\n    return sorted(pairs, reverse=True)[:k]\n",
                "Did you sort (or take the largest of) the pairs themselves? Tuples compare by "
                "their first element, the item's name; compare the scores only, with "
                "`key=lambda pair: pair[1]`.",
            ),
            WrongAnswer(
                "def top_k(pairs, k):\n"
                "    best = heapq.nlargest(k, ((score, item) for item, score in pairs))\n"
                "    return [(item, score) for score, item in best]\n",
                "Did you compare (score, item) tuples? Equal scores are then ordered by the "
                "name, not by arrival; compare the scores only and let ties keep their order.",
            ),
            WrongAnswer(
                "def top_k(pairs, k):\n"
                "    return sorted(pairs, key=lambda pair: pair[1])[-k:][::-1]\n",
                "Did you take the last k of an ascending sort and reverse them? `[-k:]` with "
                "k = 0 is the whole list, and reversing puts the later of equal scores first.",
            ),
        ],
    ),
    Exercise(
        id="02.03.3",
        title="A pair with a given sum, in one pass",
        checks={"pair_with_sum": Function(cases=_PAIR_CASES, returns=Exact())},
        hints=[
            "Read the list once, left to right. At position j you need an earlier value equal to "
            "`target - values[j]`: a dict from value to its first position answers that in O(1).",
            "Look the complement up *before* storing the current value (so one element is never "
            "used twice), and store a value only the first time you see it, e.g. with "
            "`first.setdefault(value, j)`. Return `None` after the loop.",
        ],
        solution="""
            def pair_with_sum(values, target):
                \"\"\"(i, j), i < j, values[i] + values[j] == target, j as small as possible.\"\"\"
                first = {}
                for j, value in enumerate(values):
                    if target - value in first:
                        return (first[target - value], j)
                    first.setdefault(value, j)
                return None
        """,
        wrong_answers=[
            WrongAnswer(
                "def pair_with_sum(values, target):\n"
                "    for i in range(len(values)):\n"
                "        for j in range(i + 1, len(values)):\n"
                "            if values[i] + values[j] == target:\n"
                "                return (i, j)\n"
                "    return None\n",
                "Did you loop over i first, then j? That finds the pair with the smallest i, "
                "and takes O(n²) steps; `{name}` should return the pair completed first when "
                "reading left to right (smallest j), which one pass with a dict finds.",
            ),
            WrongAnswer(
                "def pair_with_sum(values, target):\n"
                "    position = {}\n"
                "    for j, value in enumerate(values):\n"
                "        if target - value in position:\n"
                "            return (position[target - value], j)\n"
                "        position[value] = j\n"
                "    return None\n",
                "Did you overwrite the stored position of a repeated value? Keep the first "
                "position of each value (`setdefault`), so i is as small as possible.",
            ),
            WrongAnswer(
                "def pair_with_sum(values, target):\n"
                "    first = {}\n"
                "    for j, value in enumerate(values):\n"
                "        first.setdefault(value, j)\n"
                "        if target - value in first:\n"
                "            return (first[target - value], j)\n"
                "    return None\n",
                "Did you store the value before looking up its complement? A value that is half "
                "the target then pairs with itself, (j, j); look up first, then store.",
            ),
        ],
    ),
    Exercise(
        id="02.03.4",
        title="Edit distance by dynamic programming",
        checks={"edit_distance": Function(cases=_EDIT_CASES, returns=Exact())},
        hints=[
            "Let D[i][j] be the distance between the first i characters of a and the first j of "
            "b. D[i][0] = i (delete them all), D[0][j] = j (insert them all), and otherwise "
            "D[i][j] is the cheapest of three last moves: delete a[i-1] (D[i-1][j] + 1), insert "
            "b[j-1] (D[i][j-1] + 1), or substitute (D[i-1][j-1] + 1, or + 0 when the two "
            "characters are equal).",
            "Fill the table row by row, exactly as `lcs_table` does, with the first row "
            "`list(range(len(b) + 1))` and each new row starting at `i`; the answer is the last "
            "entry of the last row. Or memoise a recursive version with `@functools.cache`.",
        ],
        solution="""
            def edit_distance(a, b):
                \"\"\"Fewest insertions, deletions and substitutions that turn a into b.\"\"\"
                previous = list(range(len(b) + 1))
                for i, x in enumerate(a, start=1):
                    row = [i]
                    for j, y in enumerate(b, start=1):
                        row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y)))
                    previous = row
                return previous[-1]
        """,
        wrong_answers=[
            WrongAnswer(
                "def edit_distance(a, b):\n    return len(a) + len(b) - 2 * lcs_table(a, b)\n",
                "Did you count insertions and deletions only (via the longest common "
                "subsequence)? A substitution is one edit, not a deletion plus an insertion.",
            ),
            WrongAnswer(
                "def edit_distance(a, b):\n"
                "    different = sum(x != y for x, y in zip(a, b))\n"
                "    return different + abs(len(a) - len(b))\n",
                "Did you compare the strings position by position? One insertion shifts every "
                "later character, so 'flaw' and 'lawn' differ everywhere yet are 2 edits apart.",
            ),
            WrongAnswer(
                "def edit_distance(a, b):\n"
                "    previous = list(range(len(b) + 1))\n"
                "    for i, x in enumerate(a, start=1):\n"
                "        row = [i]\n"
                "        for j, y in enumerate(b, start=1):\n"
                "            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + 1))\n"
                "        previous = row\n"
                "    return previous[-1]\n",
                "Did you charge a substitution even when the two characters are equal? Keeping "
                "a matching character costs nothing: add `x != y`, not 1.",
            ),
            WrongAnswer(
                "def edit_distance(a, b):\n"
                "    previous = [0] * (len(b) + 1)\n"
                "    for i, x in enumerate(a, start=1):\n"
                "        row = [0]\n"
                "        for j, y in enumerate(b, start=1):\n"
                "            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y)))\n"
                "        previous = row\n"
                "    return previous[-1]\n",
                "Did you start the first row and column at 0? Turning '' into 'abc' takes 3 "
                "insertions: D[0][j] = j and D[i][0] = i.",
            ),
        ],
        equivalent_mutants={
            "line 7: arguments 1 and 2 of `min` swapped": "min does not depend on the order of "
            "its arguments.",
            "line 7: arguments 2 and 3 of `min` swapped": "min does not depend on the order of "
            "its arguments.",
        },
    ),
    Exercise(
        id="02.03.5",
        title="A reproducible run order: Kahn's algorithm with a heap",
        checks={"run_order": Function(cases=_ORDER_CASES, returns=Exact())},
        hints=[
            "Start from `topological_order` above: count each step's unmet dependencies, and "
            "keep the steps that are ready. The only change is *which* ready step runs next.",
            "Keep the ready steps in a heap: `heapq.heappop(ready)` always gives the "
            "alphabetically first one, and a step that becomes ready goes in with "
            "`heapq.heappush(ready, step)`, to compete with the steps already waiting.",
        ],
        solution="""
            def run_order(deps):
                \"\"\"Topological order that always runs the alphabetically first ready step.\"\"\"
                steps = set(deps).union(*deps.values())
                waiting = {step: len(deps.get(step, [])) for step in steps}
                dependents = {step: [] for step in steps}
                for step, needs in deps.items():
                    for need in needs:
                        dependents[need].append(step)
                ready = sorted(step for step in steps if waiting[step] == 0)
                order = []
                while ready:
                    step = heapq.heappop(ready)
                    order.append(step)
                    for dependent in dependents[step]:
                        waiting[dependent] -= 1
                        if waiting[dependent] == 0:
                            heapq.heappush(ready, dependent)
                return order
        """,
        wrong_answers=[
            WrongAnswer(
                "def run_order(deps):\n"
                "    return list(graphlib.TopologicalSorter(deps).static_order())\n",
                "Did you use `graphlib`'s `static_order`? Its order is valid, but ties follow the "
                "order in which steps were added, not the alphabet.",
            ),
            WrongAnswer(
                "def run_order(deps):\n"
                "    steps = set(deps).union(*deps.values())\n"
                "    waiting = {step: len(deps.get(step, [])) for step in steps}\n"
                "    dependents = {step: [] for step in steps}\n"
                "    for step, needs in deps.items():\n"
                "        for need in needs:\n"
                "            dependents[need].append(step)\n"
                "    ready = deque(sorted(step for step in steps if waiting[step] == 0))\n"
                "    order = []\n"
                "    while ready:\n"
                "        step = ready.popleft()\n"
                "        order.append(step)\n"
                "        for dependent in dependents[step]:\n"
                "            waiting[dependent] -= 1\n"
                "            if waiting[dependent] == 0:\n"
                "                ready.append(dependent)\n"
                "    return order\n",
                "Did you sort only the first ready steps and then use a queue? A step that "
                "becomes ready later must compete with those already waiting: keep them all "
                "in a heap.",
            ),
            WrongAnswer(
                "def run_order(deps):\n"
                "    order = []\n"
                "    def visit(step):\n"
                "        if step not in order:\n"
                "            for need in sorted(deps.get(step, [])):\n"
                "                visit(need)\n"
                "            order.append(step)\n"
                "    for step in sorted(deps):\n"
                "        visit(step)\n"
                "    return order\n",
                "Did you list the steps in depth-first post-order? That order is valid too, but "
                "it runs a step's whole chain of dependencies before an alphabetically earlier "
                "step that is already ready; `{name}` takes the first ready step each time.",
            ),
        ],
    ),
    Exercise(
        id="02.03.6",
        title="Name the cycle",
        checks={"find_cycle": Function(cases=_CYCLE_CASES, returns=Exact())},
        hints=[
            "Depth-first search, remembering the current path: before visiting a step, if it is "
            "already on the path you have found a cycle: the part of the path from that step "
            "on, plus the step again. A step whose search finished without a cycle is done: "
            "skip it next time (reaching it again through another path is not a cycle).",
            "Start a search from every step (`for step in deps`), since the cycle may not be "
            "reachable from the first one, and read dependencies with `deps.get(step, [])`. "
            "To start at the first name: `i = cycle.index(min(cycle))`, then "
            "`cycle[i:-1] + cycle[:i + 1]`.",
        ],
        solution="""
            def find_cycle(deps):
                \"\"\"A cycle from its first step back to it, each step followed by one it needs.\"\"\"
                done = set()

                def visit(step, path):
                    if step in path:
                        return path[path.index(step):] + [step]
                    if step in done:
                        return []
                    for need in deps.get(step, []):
                        cycle = visit(need, path + [step])
                        if cycle:
                            return cycle
                    done.add(step)
                    return []

                for step in deps:
                    cycle = visit(step, [])
                    if cycle:
                        first = cycle.index(min(cycle))
                        return cycle[first:-1] + cycle[:first + 1]
                return []
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def find_cycle(deps):
                    seen = []

                    def visit(step):
                        if step in seen:
                            return seen[seen.index(step):] + [step]
                        seen.append(step)
                        for need in deps.get(step, []):
                            cycle = visit(need)
                            if cycle:
                                return cycle
                        return []

                    for step in deps:
                        if step not in seen:
                            cycle = visit(step)
                            if cycle:
                                first = cycle.index(min(cycle))
                                return cycle[first:-1] + cycle[:first + 1]
                    return []
                """,
                "Did you treat every step seen before as a cycle? In a diamond (d needs b and c, "
                "both need a) the search reaches a twice without any cycle; only a step that is "
                "still on the current path closes one.",
            ),
            WrongAnswer(
                """
                def find_cycle(deps):
                    def visit(step, path):
                        if step in path:
                            return path[path.index(step):] + [step]
                        for need in deps.get(step, []):
                            cycle = visit(need, path + [step])
                            if cycle:
                                return cycle
                        return []

                    for step in deps:
                        cycle = visit(step, [])
                        if cycle:
                            first = cycle.index(min(cycle))
                            return cycle[first:-1] + cycle[:first + 1]
                        return []
                    return []
                """,
                "Did you search from the first step only? A cycle that cannot be reached from it "
                "is missed: start a search from every step.",
            ),
            WrongAnswer(
                """
                def find_cycle(deps):
                    done = set()

                    def visit(step, path):
                        if step in path:
                            return path[path.index(step):] + [step]
                        if step in done:
                            return []
                        for need in deps.get(step, []):
                            cycle = visit(need, path + [step])
                            if cycle:
                                return cycle
                        done.add(step)
                        return []

                    for step in deps:
                        cycle = visit(step, [])
                        if cycle:
                            return cycle
                    return []
                """,
                "Did you return the cycle where the search entered it? `{name}` should start "
                "(and end) at the cycle's alphabetically first step, so that the answer does "
                "not depend on the search order.",
            ),
            WrongAnswer(
                """
                def find_cycle(deps):
                    try:
                        graphlib.TopologicalSorter(deps).prepare()
                    except graphlib.CycleError as err:
                        cycle = err.args[1]
                        first = cycle.index(min(cycle))
                        return cycle[first:-1] + cycle[:first + 1]
                    return []
                """,
                "Did you list the cycle in the other direction? In `{name}`'s answer each step "
                "is followed by a step it *needs* (graphlib lists a dependency before the step "
                "that needs it): reverse the list.",
            ),
        ],
        equivalent_mutants={
            "line 14: `done.add(step)` removed": _DONE_ONLY_SAVES_WORK,
            "line 14: `done.add(step)` -> `step`": _DONE_ONLY_SAVES_WORK,
        },
    ),
]
