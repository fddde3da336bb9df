"""Exercises of 05_version_control.ipynb: read a diff, find a bug with git bisect, atomic
commits, a .gitignore for an ML project.

The Git exercises are checked on the repository's real state: each answer works on a fresh
clone made in its own cell, so re-running a cell (or the check re-running the reference
solution) starts from the same commits. The commits have fixed authors and dates, so the
history, its subjects and even its commit ids are the same in every run.
"""

import functools
import os
import subprocess
import tempfile
from pathlib import Path

from mlcourse.exercise import Document, Exact, Exercise, Function, Rule, WrongAnswer

# --- 02.05.1: read a diff --------------------------------------------------------------------
# Real `git diff` output (git 2.39), made from a small project: two hunks in one file; then a
# new file, a line added without a final newline, a one-line file (its hunk header omits the
# count), a removed YAML line that itself starts with "---", and a deleted file.

_DIFF_ONE_FILE = (
    "diff --git a/train.py b/train.py\n"
    "index f8a620e..95b84fd 100644\n"
    "--- a/train.py\n"
    "+++ b/train.py\n"
    "@@ -1,7 +1,8 @@\n"
    ' """Train the demand model."""\n'
    " import yaml\n"
    " \n"
    "-SEED = 0\n"
    "+SEED = 42  # the seed of every experiment in the paper\n"
    "+N_JOBS = 2\n"
    " \n"
    " \n"
    " def load_config(path):\n"
    "@@ -13,7 +14,7 @@ def main():\n"
    '     config = load_config("config.yaml")\n'
    '     print("training", config["model"])\n'
    '     print("learning rate", config["learning_rate"])\n'
    '-    print("trees", config["n_estimators"])\n'
    '+    print("seed", SEED)\n'
    " \n"
    " \n"
    ' if __name__ == "__main__":\n'
)

_DIFF_FIVE_FILES = (
    "diff --git a/CHANGELOG.md b/CHANGELOG.md\n"
    "new file mode 100644\n"
    "index 0000000..6a2ee97\n"
    "--- /dev/null\n"
    "+++ b/CHANGELOG.md\n"
    "@@ -0,0 +1,3 @@\n"
    "+# Changes\n"
    "+\n"
    "+- 0.2.0: lower learning rate\n"
    "diff --git a/README.md b/README.md\n"
    "index 8ce54c9..4f30fa0 100644\n"
    "--- a/README.md\n"
    "+++ b/README.md\n"
    "@@ -1,3 +1,4 @@\n"
    " # Bike-share demand\n"
    " \n"
    " Predicts hourly rentals.\n"
    "+See CHANGELOG.md.\n"
    "\\ No newline at end of file\n"
    "diff --git a/VERSION b/VERSION\n"
    "index 6e8bf73..0ea3a94 100644\n"
    "--- a/VERSION\n"
    "+++ b/VERSION\n"
    "@@ -1 +1 @@\n"
    "-0.1.0\n"
    "+0.2.0\n"
    "diff --git a/config.yaml b/config.yaml\n"
    "index f12add5..7e3577e 100644\n"
    "--- a/config.yaml\n"
    "+++ b/config.yaml\n"
    "@@ -1,4 +1,3 @@\n"
    "----\n"
    " model: gradient_boosting\n"
    "-learning_rate: 0.1\n"
    "+learning_rate: 0.05\n"
    " n_estimators: 100\n"
    "diff --git a/notes.txt b/notes.txt\n"
    "deleted file mode 100644\n"
    "index 9d92655..0000000\n"
    "--- a/notes.txt\n"
    "+++ /dev/null\n"
    "@@ -1,2 +0,0 @@\n"
    "-try a smaller learning rate\n"
    "-check the missing hours\n"
)

# Lines appended to a file that had no final newline: its old last line is removed and added
# again, and the backslash line sits inside the hunk, between them.
_DIFF_NO_NEWLINE = (
    "diff --git a/params.txt b/params.txt\n"
    "index 2a7ae2b..5358ffc 100644\n"
    "--- a/params.txt\n"
    "+++ b/params.txt\n"
    "@@ -1,2 +1,3 @@\n"
    " lr = 0.1\n"
    "-epochs = 10\n"
    "\\ No newline at end of file\n"
    "+epochs = 20\n"
    "+batch = 32\n"
)

_DIFF_CASES = [
    {"diff_text": _DIFF_ONE_FILE},
    {"diff_text": _DIFF_FIVE_FILES},
    {"diff_text": _DIFF_NO_NEWLINE},
    {"diff_text": ""},  # nothing changed
]


# --- 02.05.4: what to keep out of Git (02.05.2 and 02.05.3 compare plain values) --------------

# The project's files, and whether each belongs in the repository.
_PROJECT_FILES = {
    "README.md": True,
    "pyproject.toml": True,
    ".gitignore": True,
    "configs/train.yaml": True,
    "src/demand/__init__.py": True,
    "src/demand/features.py": True,
    "tests/test_features.py": True,
    "tests/data/tiny_hours.csv": True,
    "notebooks/01_explore.ipynb": True,
    "data/README.md": True,
    "data/raw/bikeshare_2011.csv": False,
    "data/processed/train.parquet": False,
    "models/model.joblib": False,
    "mlruns/0/meta.yaml": False,
    ".venv/bin/python": False,
    "src/demand/__pycache__/features.cpython-311.pyc": False,
    "notebooks/.ipynb_checkpoints/01_explore-checkpoint.ipynb": False,
    ".env": False,
}


@functools.lru_cache(maxsize=128)
def tracked_paths(gitignore_text: str) -> frozenset:
    """The project's files that `git add --all` would track with this .gitignore: a real
    repository in a temporary folder, with the user's own Git settings switched off."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "core.excludesFile",
        "GIT_CONFIG_VALUE_0": os.devnull,
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for path in _PROJECT_FILES:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text("x\n")
        (root / ".gitignore").write_text(gitignore_text)
        for command in (["init", "-q"], ["add", "--all"]):
            subprocess.run(["git", *command], cwd=root, env=env, check=True, capture_output=True)
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, env=env, check=True, capture_output=True
        ).stdout.decode()
    return frozenset(listed.split("\0")) - {""}


def _ignored(path: str):
    return lambda text: path not in tracked_paths(text)


def _kept(*paths: str):
    return lambda text: set(paths) <= tracked_paths(text)


_GITIGNORE_RULES = [
    Rule(
        "`{name}` lets the raw data in (`data/raw/bikeshare_2011.csv`): data sets are large "
        "and change outside the code. Keep them out of Git (in object storage, or versioned "
        "with a tool such as DVC) and ignore the folder they live in.",
        _ignored("data/raw/bikeshare_2011.csv"),
    ),
    Rule(
        "`{name}` lets the processed data in (`data/processed/train.parquet`): it is rebuilt "
        "from the raw data by the code, so it never needs committing.",
        _ignored("data/processed/train.parquet"),
    ),
    Rule(
        "`{name}` lets the trained model in (`models/model.joblib`): models are build outputs, "
        "large and binary; they belong in a model registry, not in Git.",
        _ignored("models/model.joblib"),
    ),
    Rule(
        "`{name}` lets MLflow's local tracking store in (`mlruns/`): its runs, metrics and "
        "artefacts are written by every experiment and belong to the tracking server.",
        _ignored("mlruns/0/meta.yaml"),
    ),
    Rule(
        "`{name}` lets the virtual environment in (`.venv/`): it is thousands of files built "
        "for one machine; `requirements.txt` or `pyproject.toml` describes it instead.",
        _ignored(".venv/bin/python"),
    ),
    Rule(
        "`{name}` lets Python's bytecode caches in (`src/demand/__pycache__/`): they appear in "
        "every package folder, so use a pattern without a leading `/`, such as `__pycache__/`.",
        _ignored("src/demand/__pycache__/features.cpython-311.pyc"),
    ),
    Rule(
        "`{name}` lets Jupyter's autosave copies in (`notebooks/.ipynb_checkpoints/`).",
        _ignored("notebooks/.ipynb_checkpoints/01_explore-checkpoint.ipynb"),
    ),
    Rule(
        "`{name}` lets `.env` in: it holds secrets (passwords, API keys), and a secret once "
        "committed stays in the history for anyone with a clone.",
        _ignored(".env"),
    ),
    Rule(
        "`{name}` ignores `tests/data/tiny_hours.csv`, the small file the tests read. Did you "
        "ignore `*.csv`, or `data/`, which matches a folder called `data` at any depth "
        "(`tests/data/` too)? Ignore the data folders at the top: `/data/raw/` or `data/raw/` "
        "(a `/` inside a pattern anchors it to the top).",
        _kept("tests/data/tiny_hours.csv"),
    ),
    Rule(
        "`{name}` ignores `data/README.md`, the data card that says where the data comes from. "
        "Git cannot re-include a file whose folder is ignored, so `data/` then "
        "`!data/README.md` does not work: ignore `data/raw/` and `data/processed/`, or "
        "`data/*` then `!data/README.md`.",
        _kept("data/README.md"),
    ),
    Rule(
        "`{name}` ignores the notebooks, which are code: keep them, and strip their outputs "
        "before committing instead.",
        _kept("notebooks/01_explore.ipynb"),
    ),
    Rule(
        "`{name}` ignores files the project needs (code, tests, configuration, or `.gitignore` "
        "itself): a pattern matches more than you meant. `git check-ignore -v PATH` says which.",
        _kept(*(path for path, keep in _PROJECT_FILES.items() if keep)),
    ),
]


EXERCISES = [
    Exercise(
        id="02.05.1",
        title="Read a diff: which lines changed?",
        checks={"changed_lines": Function(cases=_DIFF_CASES, returns=Exact())},
        hints=[
            "Keep two counters, one per side. A hunk header `@@ -a,b +c,d @@` sets the old "
            "counter to a and the new one to c. Then a line starting with `-` is old line "
            "`old` (advance old), `+` is new line `new` (advance new), a space is both "
            "(advance both). A line starting with a backslash is not a line of either file.",
            "Take the path from `diff --git a/PATH b/PATH` (`line.split(' b/')[-1]`): the "
            "`+++` line says `/dev/null` for a deleted file. Skip the header lines between "
            "`diff --git` and the first `@@` by a flag, not by their first characters: a "
            "removed line `---` shows as `----`. And `@@ -1 +1 @@` has no count.",
        ],
        solution="""
            def changed_lines(diff_text):
                \"\"\"{path: {"removed": [old line numbers], "added": [new line numbers]}} of a git diff.\"\"\"
                changes = {}
                for line in diff_text.splitlines():
                    if line.startswith("diff --git "):
                        path = line.split(" b/")[-1]
                        changes[path] = {"removed": [], "added": []}
                        in_header = True
                    elif line.startswith("@@"):
                        old_start, new_start = line.split()[1:3]
                        old = int(old_start[1:].split(",")[0])
                        new = int(new_start[1:].split(",")[0])
                        in_header = False
                    elif in_header:
                        continue
                    elif line.startswith("-"):
                        changes[path]["removed"].append(old)
                        old += 1
                    elif line.startswith("+"):
                        changes[path]["added"].append(new)
                        new += 1
                    elif line.startswith(" "):
                        old += 1
                        new += 1
                return changes
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    def changed_lines(diff_text):
                        \"\"\"{path: {"removed": [old line numbers], "added": [new line numbers]}} of a git diff.\"\"\"
                        changes = {}
                        for line in diff_text.splitlines():
                            if line.startswith("diff --git "):
                                in_header = True
                            elif line.startswith("+++ "):
                                path = line[4:].removeprefix("b/")
                                changes[path] = {"removed": [], "added": []}
                            elif line.startswith("@@"):
                                old_start, new_start = line.split()[1:3]
                                old = int(old_start[1:].split(",")[0])
                                new = int(new_start[1:].split(",")[0])
                                in_header = False
                            elif in_header:
                                continue
                            elif line.startswith("-"):
                                changes[path]["removed"].append(old)
                                old += 1
                            elif line.startswith("+"):
                                changes[path]["added"].append(new)
                                new += 1
                            elif line.startswith(" "):
                                old += 1
                                new += 1
                        return changes
                """,
                "Did you take the path from the `+++` line? For a deleted file it is "
                "`/dev/null`; take it from the `diff --git a/PATH b/PATH` line.",
            ),
            WrongAnswer(
                """
                    def changed_lines(diff_text):
                        \"\"\"{path: {"removed": [old line numbers], "added": [new line numbers]}} of a git diff.\"\"\"
                        changes = {}
                        for line in diff_text.splitlines():
                            if line.startswith("diff --git "):
                                path = line.split(" b/")[-1]
                                changes[path] = {"removed": [], "added": []}
                                in_header = True
                            elif line.startswith("@@"):
                                old_start, new_start = line.split()[1:3]
                                old = int(old_start[1:].split(",")[0])
                                new = int(new_start[1:].split(",")[0])
                                in_header = False
                            elif in_header or line.startswith(("---", "+++")):
                                continue
                            elif line.startswith("-"):
                                changes[path]["removed"].append(old)
                                old += 1
                            elif line.startswith("+"):
                                changes[path]["added"].append(new)
                                new += 1
                            elif line.startswith(" "):
                                old += 1
                                new += 1
                        return changes
                """,
                "Did you skip every line that starts with `---` or `+++`? A removed line whose "
                "text is `---` (a YAML document marker) shows as `----`. Only the lines before "
                "a file's first `@@` are headers.",
            ),
            WrongAnswer(
                """
                    def changed_lines(diff_text):
                        \"\"\"{path: {"removed": [old line numbers], "added": [new line numbers]}} of a git diff.\"\"\"
                        changes = {}
                        for line in diff_text.splitlines():
                            if line.startswith("diff --git "):
                                path = line.split(" b/")[-1]
                                changes[path] = {"removed": [], "added": []}
                                in_header = True
                            elif line.startswith("@@"):
                                old_start, new_start = line.split()[1:3]
                                old = int(old_start[1:].split(",")[0])
                                new = int(new_start[1:].split(",")[0])
                                in_header = False
                            elif in_header:
                                continue
                            elif line.startswith("-"):
                                changes[path]["removed"].append(new)
                                old += 1
                            elif line.startswith("+"):
                                changes[path]["added"].append(new)
                                new += 1
                            elif line.startswith(" "):
                                old += 1
                                new += 1
                        return changes
                """,
                "Did you number the removed lines with the new file's counter? A removed line "
                "exists only in the old file: count it on the old side, from the `-a` of the "
                "hunk header.",
            ),
        ],
        equivalent_mutants={
            "line 6: `-1` -> `1`": (
                "`diff --git a/PATH b/PATH` splits on ' b/' into exactly two parts (for any PATH "
                "without ' b/' in it), so the last part is the second."
            ),
            "line 12: `1` -> `0`": (
                "The new side's start keeps its `+` sign, and `int('+14') == 14`."
            ),
        },
    ),
    Exercise(
        id="02.05.2",
        title="Find the commit that broke clip_rentals",
        checks={"bad_subject": Exact()},
        hints=[
            "`git(work, 'bisect', 'start', 'HEAD', 'v0.1')` (bad first, then good), then "
            "`git(work, 'bisect', 'run', sys.executable, '-c', test)` with `test` a short Python "
            "program that exits 0 when `clip_rentals(-3, 100) == 0` and 1 otherwise.",
            "Some commits cannot even import `features`; make your test exit with code 125 "
            "there (`except ImportError: sys.exit(125)`), so that bisect skips them instead "
            "of blaming them. Read the answer from `refs/bisect/bad` with "
            "`git log -1 --format=%s`.",
        ],
        solution="""
            work = fresh_clone()
            test = \"\"\"
            import sys
            try:
                from features import clip_rentals
            except ImportError:
                sys.exit(125)  # this commit cannot be tested: skip it
            sys.exit(0 if clip_rentals(-3, 100) == 0 else 1)
            \"\"\"
            git(work, "bisect", "start", "HEAD", "v0.1")
            git(work, "bisect", "run", sys.executable, "-c", test)
            bad_subject = git(work, "log", "-1", "--format=%s", "refs/bisect/bad").strip()
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    work = fresh_clone()
                    test = "from features import clip_rentals; assert clip_rentals(-3, 100) == 0"
                    git(work, "bisect", "start", "HEAD", "v0.1")
                    git(work, "bisect", "run", sys.executable, "-c", test)
                    bad_subject = git(work, "log", "-1", "--format=%s", "refs/bisect/bad").strip()
                """,
                "Did your test fail on the commits where `features` does not import? bisect "
                "run read that failure as 'bad' and blamed the work-in-progress commit. Exit "
                "with code 125 when the import fails, so that bisect skips those commits.",
            ),
            WrongAnswer(
                """
                    work = fresh_clone()
                    test = \"\"\"
                    import sys
                    try:
                        from features import clip_rentals
                    except ImportError:
                        sys.exit(125)  # this commit cannot be tested: skip it
                    sys.exit(0 if clip_rentals(-3, 100) == 0 else 1)
                    \"\"\"
                    git(work, "bisect", "start", "HEAD", "v0.1")
                    git(work, "bisect", "run", sys.executable, "-c", test)
                    git(work, "bisect", "reset")
                    bad_subject = git(work, "log", "-1", "--format=%s", "HEAD").strip()
                """,
                "Did you read the subject of HEAD? HEAD is wherever bisect last stopped (after "
                "`git bisect reset`, the commit you started from), not the first bad commit: "
                "read `refs/bisect/bad`, before resetting.",
            ),
        ],
        equivalent_mutants={
            "line 12: arguments 3 and 4 of `git` swapped": (
                "`git log --format=%s -1 REV` prints the same: the order of options does not "
                "matter."
            ),
            "line 12: arguments 4 and 5 of `git` swapped": (
                "`git log -1 REV --format=%s`: Git reads options after the revision too."
            ),
        },
    ),
    Exercise(
        id="02.05.3",
        title="Two changes, two commits",
        checks={"commit_files": Exact(), "trees": Exact()},
        hints=[
            "`git(work, 'status', '--short')` lists what changed; `git(work, 'diff')` shows "
            "how. The fix is the change to `features.py` and the test that goes with it.",
            "Stage by name, then commit: `git(work, 'add', 'features.py', 'test_features.py')`, "
            "`git(work, 'commit', '-m', '...')`; then the same for `README.md`. Leave "
            "`scratch.log` alone. Read each commit's files back with "
            "`git(work, 'show', '--name-only', '--format=', rev).split()`.",
        ],
        solution="""
            work = project_with_changes()
            git(work, "add", "features.py", "test_features.py")
            git(work, "commit", "-m", "Clip negative predictions to zero again")
            git(work, "add", "README.md")
            git(work, "commit", "-m", "Explain how to train the model")
            commit_files = [
                git(work, "show", "--name-only", "--format=", rev).split()
                for rev in ("HEAD~1", "HEAD")
            ]
            trees = snapshot_ids(work)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    work = project_with_changes()
                    commit_files = [["features.py", "test_features.py"], ["README.md"]]
                    trees = snapshot_ids(work)
                """,
                "Did you type the two lists instead of making the commits? The snapshots of the "
                "two newest commits are still the old ones: stage and commit each change, then "
                "read the file lists back with `git show`.",
            ),
            WrongAnswer(
                """
                    work = project_with_changes()
                    git(work, "add", "--all")
                    git(work, "commit", "-m", "Fix clipping and explain training")
                    commit_files = [
                        git(work, "show", "--name-only", "--format=", rev).split()
                        for rev in ("HEAD~1", "HEAD")
                    ]
                    trees = snapshot_ids(work)
                """,
                "Did you stage everything with `git add --all` (or `git add .`)? That makes one "
                "commit of two unrelated changes and a scratch file; stage the files of one "
                "change by name.",
            ),
            WrongAnswer(
                """
                    work = project_with_changes()
                    git(work, "commit", "-a", "-m", "Fix clipping and explain training")
                    commit_files = [
                        git(work, "show", "--name-only", "--format=", rev).split()
                        for rev in ("HEAD~1", "HEAD")
                    ]
                    trees = snapshot_ids(work)
                """,
                "Did you commit with `-a`? It stages every tracked file that changed, so the fix "
                "and the README went into one commit. Stage the files of each change by name.",
            ),
            WrongAnswer(
                """
                    work = project_with_changes()
                    git(work, "add", "features.py")
                    git(work, "commit", "-m", "Clip negative predictions to zero again")
                    git(work, "add", "README.md", "test_features.py")
                    git(work, "commit", "-m", "Explain training, test clipping")
                    commit_files = [
                        git(work, "show", "--name-only", "--format=", rev).split()
                        for rev in ("HEAD~1", "HEAD")
                    ]
                    trees = snapshot_ids(work)
                """,
                "Did you commit the fix without its test? The test that proves a fix belongs "
                "in the same commit, so that reverting or cherry-picking the fix takes it too.",
            ),
            WrongAnswer(
                """
                    work = project_with_changes()
                    git(work, "add", "README.md")
                    git(work, "commit", "-m", "Explain how to train the model")
                    git(work, "add", "features.py", "test_features.py")
                    git(work, "commit", "-m", "Clip negative predictions to zero again")
                    commit_files = [
                        git(work, "show", "--name-only", "--format=", rev).split()
                        for rev in ("HEAD~1", "HEAD")
                    ]
                    trees = snapshot_ids(work)
                """,
                "Did you commit the README first? The task asks for the fix first, then the "
                "README; each commit is right, the order is not.",
            ),
            WrongAnswer(
                """
                    work = project_with_changes()
                    git(work, "add", "features.py", "test_features.py")
                    git(work, "commit", "-m", "Clip negative predictions to zero again")
                    git(work, "add", "README.md", "scratch.log")
                    git(work, "commit", "-m", "Explain how to train the model")
                    commit_files = [
                        git(work, "show", "--name-only", "--format=", rev).split()
                        for rev in ("HEAD~1", "HEAD")
                    ]
                    trees = snapshot_ids(work)
                """,
                "Did you commit `scratch.log`? A scratch file is nobody else's business: leave "
                "it out of every commit (or list it in `.gitignore`).",
            ),
        ],
        equivalent_mutants={
            "line 2: arguments 3 and 4 of `git` swapped": (
                "`git add test_features.py features.py` stages the same two files."
            ),
            "line 7: arguments 3 and 4 of `git` swapped": (
                "`git show --format= --name-only` prints the same: the order of options does "
                "not matter."
            ),
            "line 7: arguments 4 and 5 of `git` swapped": (
                "`git show --name-only REV --format=`: Git reads options after the revision too."
            ),
        },
    ),
    Exercise(
        id="02.05.4",
        title="A .gitignore for an ML project",
        checks={"gitignore": Document(kind="text", rules=_GITIGNORE_RULES)},
        hints=[
            "Go through the tree one folder at a time: raw and processed data, trained models, "
            "MLflow's `mlruns/`, the virtual environment, caches Python and Jupyter write, and "
            "the `.env` file of secrets stay out; code, tests, configuration, notebooks, the "
            "small test fixture and the data card stay in.",
            "A pattern with a trailing `/` matches a folder anywhere in the tree; with no `/` "
            "in the middle it matches at any depth (`__pycache__/`, `.ipynb_checkpoints/`). "
            "Ignore `data/raw/` and `data/processed/` rather than `data/`, so that "
            "`data/README.md` stays.",
        ],
        solution="""
            gitignore = \"\"\"
            # data and what is built from it: too big for Git, versioned elsewhere
            data/raw/
            data/processed/
            models/
            mlruns/
            # environments, caches and secrets
            .venv/
            __pycache__/
            .ipynb_checkpoints/
            .env
            \"\"\"
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    gitignore = \"\"\"
                    # data and what is built from it: too big for Git, versioned elsewhere
                    *.csv
                    *.parquet
                    models/
                    mlruns/
                    # environments, caches and secrets
                    .venv/
                    __pycache__/
                    .ipynb_checkpoints/
                    .env
                    \"\"\"
                """,
                "Did you ignore `*.csv`? That also drops the small CSV file the tests read; "
                "ignore the data folders instead.",
            ),
            WrongAnswer(
                """
                    gitignore = \"\"\"
                    # data and what is built from it: too big for Git, versioned elsewhere
                    /data/
                    !/data/README.md
                    models/
                    mlruns/
                    # environments, caches and secrets
                    .venv/
                    __pycache__/
                    .ipynb_checkpoints/
                    .env
                    \"\"\"
                """,
                "Did you ignore `/data/` and re-include `!/data/README.md`? Git never looks "
                "inside an ignored folder, so the negation has no effect.",
            ),
            WrongAnswer(
                """
                    gitignore = \"\"\"
                    # data and what is built from it: too big for Git, versioned elsewhere
                    data/raw/
                    data/processed/
                    models/
                    # environments, caches and secrets
                    .venv/
                    __pycache__/
                    .ipynb_checkpoints/
                    .env
                    \"\"\"
                """,
                "Did you forget MLflow's `mlruns/` folder? Every run of an experiment writes "
                "into it.",
            ),
            WrongAnswer(
                """
                    gitignore = \"\"\"
                    # data and what is built from it: too big for Git, versioned elsewhere
                    data/raw/
                    data/processed/
                    models/
                    mlruns/
                    # environments, caches and secrets
                    .venv/
                    __pycache__/
                    .ipynb_checkpoints/
                    \"\"\"
                """,
                "Did you forget `.env`? Secrets must never reach the repository.",
            ),
            WrongAnswer(
                """
                    gitignore = \"\"\"
                    # data and what is built from it: too big for Git, versioned elsewhere
                    data/raw/
                    data/processed/
                    models/
                    mlruns/
                    # environments, caches and secrets
                    .venv/
                    __pycache__/
                    .ipynb_checkpoints/
                    .env
                    *.ipynb
                    \"\"\"
                """,
                "Did you ignore `*.ipynb` to keep notebook outputs out? That drops the notebooks "
                "themselves; strip the outputs instead (`nbstripout`, or this course's "
                "`python -m mlcourse strip`).",
            ),
        ],
    ),
]
