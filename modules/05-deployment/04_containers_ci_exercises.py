"""Exercises of 04_containers_ci.ipynb: a Dockerfile linter, Kubernetes manifests with probes and
resources, a model-quality gate run for real, and a CI workflow that runs tests and the gate.

No Docker daemon or cluster exists where this runs: the files are parsed (PyYAML, the course's
Dockerfile parser) and judged by rules. The schemas below are a SUBSET of the Kubernetes and
GitHub Actions schemas, written for this notebook: they hold only the fields the rules read."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema

from mlcourse.exercise import Document, Exact, Exercise, Function, Rule, WrongAnswer

# --- 05.04.1 the Dockerfile linter -------------------------------------------------------------

_GOOD = """\
FROM python:3.11.9-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY service.py .
RUN useradd --create-home api
USER api
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health')"
CMD ["python", "-m", "uvicorn", "service:app", "--host", "0.0.0.0", "--port", "8000"]
"""
_EVERYTHING_WRONG = """\
FROM python
COPY . /app
RUN pip install fastapi uvicorn scikit-learn
CMD uvicorn service:app --host 0.0.0.0
"""
_LATEST_ROOT_AGAIN = """\
FROM python:latest
RUN useradd api
USER api
RUN pip install -r requirements.txt
USER root
HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health || exit 1
CMD ["python", "serve.py"]
"""
_MULTI_STAGE = """\
FROM python:3.11-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
RUN pip install wheel==0.45.1 build && pip wheel --wheel-dir /wheels -r requirements.txt
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /wheels /wheels
USER 65532
HEALTHCHECK NONE
CMD ["serve.py"]
"""
_STAGE_REUSED = """\
FROM python:3.11-slim AS base
RUN pip install \\
    numpy==2.1.3 \\
    pandas==2.2.3
FROM base
RUN useradd api
USER api:api
HEALTHCHECK --interval=30s CMD python -c "print('ok')"
CMD ["python" serve.py]
"""
_CONSTRAINED = """\
FROM docker.io/library/python:3.11-slim
RUN pip install -c requirements.txt mlflow skops
RUN python -m pip install --upgrade pip==24.3.1 && pip install httpx==0.28.1
USER 0
HEALTHCHECK CMD python healthcheck.py
CMD python -m capstone serve
"""
_REGISTRY_PORT = """\
# a private registry with a port, and the root user named by id
FROM 127.0.0.1:5000/team/python:slim
USER 0:0
CMD ["python", "app.py"]
"""
_PIP3_RANGE = """\
FROM --platform=linux/amd64 python:3.12.4-alpine
RUN pip3 install "fastapi>=0.100" && echo done
USER api
HEALTHCHECK CMD wget -qO- http://127.0.0.1:8000/health
CMD ["python", "app.py"]
"""

_ROOT_IN_FINAL = """\
FROM python:3.11-slim AS build
RUN useradd builder
USER builder
RUN pip wheel --wheel-dir /wheels -r requirements.txt
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
COPY --from=build /wheels /wheels
HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health
CMD python old_server.py
CMD ["python", "serve.py"]
"""

_BUILD_STAGE_MOVES = """\
# the final stage is pinned, the build stage is not; -r does not pin a name after it
FROM python:slim AS build
RUN pip install --no-cache-dir -r requirements.txt scikit-learn
FROM python:3.11.9-slim
COPY --from=build /usr/local /usr/local
RUN useradd api
USER api
HEALTHCHECK CMD python healthcheck.py
CMD ["python", "serve.py"]
"""

_LINT_CASES = [
    dict(text=_GOOD),
    dict(text=_EVERYTHING_WRONG),
    dict(text=_LATEST_ROOT_AGAIN),
    dict(text=_MULTI_STAGE),
    dict(text=_STAGE_REUSED),
    dict(text=_CONSTRAINED),
    dict(text=_REGISTRY_PORT),
    dict(text=_PIP3_RANGE),
    dict(text=_ROOT_IN_FINAL),
    dict(text=_BUILD_STAGE_MOVES),
]

_LINT_SOLUTION = """
def dockerfile_problems(text):
    steps = parse_dockerfile(text)
    found, stages = set(), set()
    last = max(i for i, (kind, _) in enumerate(steps) if kind == "FROM")
    for kind, args in steps:
        if kind == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            if words[0] not in stages and not is_pinned(words[0]):
                found.add("unpinned-base")
            if len(words) == 3:
                stages.add(words[2])
        if kind == "RUN":
            for command in re.split(r"&&|;", args):
                words = command.split()
                if "install" not in words or not {"pip", "pip3"} & set(words):
                    continue
                rest = words[words.index("install") + 1:]
                if "-c" in rest or "--constraint" in rest:
                    continue
                names = [w for i, w in enumerate(rest) if not w.startswith("-")
                         and (i == 0 or rest[i - 1] not in ("-r", "--requirement"))]
                if any("==" not in name for name in names):
                    found.add("unpinned-install")
    final = steps[last:]
    users = [args.split(":")[0] for kind, args in final if kind == "USER"]
    if not users or users[-1] in ("root", "0"):
        found.add("runs-as-root")
    checks = [args for kind, args in steps if kind == "HEALTHCHECK"]
    if not checks or checks[-1].upper() == "NONE":
        found.add("no-healthcheck")
    commands = [args for kind, args in final if kind == "CMD"]
    try:
        exec_form = isinstance(json.loads(commands[-1]), list)
    except (IndexError, ValueError):
        exec_form = False
    if not exec_form:
        found.add("shell-form-cmd")
    return found
"""


def _replace(old: str, new: str) -> str:
    """A wrong dockerfile_problems: the reference with one piece rewritten."""
    assert old in _LINT_SOLUTION, old
    return _LINT_SOLUTION.replace(old, new)


# --- 05.04.2 fixing a Dockerfile -----------------------------------------------------------------


def _final_stage(steps):
    last = max(i for i, (kind, _) in enumerate(steps) if kind == "FROM")
    return steps[last:]


def _first(steps, kind, pattern=""):
    for i, (k, args) in enumerate(steps):
        if k == kind and re.search(pattern, args):
            return i
    return None


def _install_before_code(steps):
    install = _first(steps, "RUN", r"pip3? install")
    code = _first(steps, "COPY", r"\.py\b|\.skops\b|^\./?\s")
    return None not in (install, code) and install < code


def _installs_pinned(steps):
    """Every pip install reads -r requirements.lock (any folder) and names no package itself."""
    installs = [
        command.split()
        for kind, args in steps
        if kind == "RUN"
        for command in re.split(r"&&|;", args)
        if re.search(r"\bpip3? install\b", command)
    ]
    for words in installs:
        rest = words[words.index("install") + 1 :]
        files = [rest[i + 1] for i, w in enumerate(rest[:-1]) if w in ("-r", "--requirement")]
        named = [w for i, w in enumerate(rest) if not w.startswith("-") and w not in files]
        if [f.rsplit("/", 1)[-1] for f in files] != ["requirements.lock"] or named:
            return False
    return bool(installs)


def _last_user(steps):
    users = [args.split(":")[0] for kind, args in _final_stage(steps) if kind == "USER"]
    return users[-1] if users else None


def _user_exists(steps):
    """A USER given by name must be created in the final stage (useradd / adduser); a numeric
    id needs no entry."""
    user = _last_user(steps)
    return (
        user is None
        or user.isdigit()
        or any(
            kind == "RUN" and re.search(r"\b(useradd|adduser)\b", args) and user in args.split()
            for kind, args in _final_stage(steps)
        )
    )


def _cmd_argv(steps):
    """The argv the container starts: the exec-form ENTRYPOINT (if any) then the last CMD."""
    final = _final_stage(steps)
    entry = [args for kind, args in final if kind == "ENTRYPOINT"]
    commands = [args for kind, args in final if kind == "CMD"]
    argv = []
    for text in entry[-1:] + commands[-1:]:
        part = json.loads(text)
        if not isinstance(part, list):
            raise ValueError("not exec form")
        argv += part
    return argv


def _option(argv, name):
    """The value of `--name value` or `--name=value` in argv, or None."""
    for i, word in enumerate(argv):
        if word == name and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def _healthchecks(steps):
    return [args for kind, args in _final_stage(steps) if kind == "HEALTHCHECK"]


_FIX_RULES = [
    Rule(
        "The base image of `{name}` should be pinned to a version (`python:3.11.9-slim`) or a "
        "digest: `latest` moves to each new release, so two builds of the same file differ.",
        lambda d: is_pinned(_final_stage(d)[0][1].split()[0]),
    ),
    Rule(
        "The base image of `{name}` should be a slim one (`python:3.11.9-slim`): the full image "
        "carries compilers and tools the service never uses, and is several times larger.",
        lambda d: "slim" in _final_stage(d)[0][1],
    ),
    Rule(
        "`{name}` should install the packages only from the pinned lock file, "
        "`pip install -r requirements.lock`, with no package named on the command line.",
        _installs_pinned,
    ),
    Rule(
        "`{name}` should copy requirements.lock and install it BEFORE copying the code "
        "(predict_app.py): then a change to the code reuses the cached install layer.",
        _install_before_code,
    ),
    Rule(
        "`{name}` runs as root: create a user (`RUN useradd --create-home api`) and switch to it "
        "with `USER api` in the final stage, after the installs.",
        lambda d: _last_user(d) not in (None, "root", "0"),
    ),
    Rule(
        "The USER of `{name}` is never created: `docker run` stops with 'unable to find user'. "
        "Create it in the final stage first (`RUN useradd --create-home api`), or give a "
        "numeric id (`USER 10001`).",
        _user_exists,
    ),
    Rule(
        "`{name}` should declare the port with `EXPOSE 8080`.",
        lambda d: any(k == "EXPOSE" and "8080" in re.split(r"[\s/]", a) for k, a in d),
    ),
    Rule(
        "`{name}` needs a HEALTHCHECK (in the final stage) that requests the service's /health.",
        lambda d: bool(_healthchecks(d)) and "/health" in _healthchecks(d)[-1],
    ),
    Rule(
        "The HEALTHCHECK of `{name}` should request port 8080 (this service listens on 8080).",
        lambda d: "8080/health" in _healthchecks(d)[-1],
    ),
    Rule(
        "The HEALTHCHECK of `{name}` calls curl or wget, which a python slim image does not "
        'contain: the check would fail forever. Ask Python itself (`python -c "import '
        'urllib.request ..."`).',
        lambda d: not re.search(r"\b(curl|wget)\b", _healthchecks(d)[-1]),
    ),
    Rule(
        "The last CMD of `{name}` should be in exec form, a JSON array such as "
        '`["python", "-m", "uvicorn", ...]`: in shell form `/bin/sh` is process 1 and the '
        "service may never receive the SIGTERM that stops it.",
        _cmd_argv,
    ),
    Rule(
        "The CMD of `{name}` should run uvicorn with the app `predict_app:app`.",
        lambda d: "predict_app:app" in _cmd_argv(d) and any("uvicorn" in w for w in _cmd_argv(d)),
    ),
    Rule(
        "The CMD of `{name}` should pass `--host 0.0.0.0`: inside a container 127.0.0.1 "
        "(uvicorn's default host) is reachable from nowhere else.",
        lambda d: _option(_cmd_argv(d), "--host") == "0.0.0.0",
    ),
    Rule(
        "The CMD of `{name}` should pass `--port 8080`, the port this service listens on "
        "(uvicorn's default is 8000).",
        lambda d: _option(_cmd_argv(d), "--port") == "8080",
    ),
]

_FIX_SOLUTION = """\
FROM python:3.11.9-slim
WORKDIR /srv
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY predict_app.py model.skops ./
RUN useradd --create-home api
USER api
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/health')"
CMD ["python", "-m", "uvicorn", "predict_app:app", "--host", "0.0.0.0", "--port", "8080"]
"""


def _fix_variant(old: str, new: str) -> str:
    assert old in _FIX_SOLUTION, old
    return f"FIXED_DOCKERFILE = '''\\\n{_FIX_SOLUTION.replace(old, new)}'''\n"


# --- 05.04.3 Kubernetes Deployment + Service ---------------------------------------------------

_DEPLOYMENT_SCHEMA = {  # a SUBSET of the Kubernetes apps/v1 Deployment schema: what the rules read
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "apps/v1"},
        "kind": {"const": "Deployment"},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}},
        },
        "spec": {
            "type": "object",
            "required": ["selector", "template"],
            "properties": {
                "replicas": {"type": "integer", "minimum": 0},
                "selector": {
                    "type": "object",
                    "required": ["matchLabels"],
                    "properties": {"matchLabels": {"type": "object"}},
                },
                "template": {
                    "type": "object",
                    "required": ["metadata", "spec"],
                    "properties": {
                        "metadata": {
                            "type": "object",
                            "required": ["labels"],
                            "properties": {"labels": {"type": "object"}},
                        },
                        "spec": {
                            "type": "object",
                            "required": ["containers"],
                            "properties": {
                                "containers": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "image"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "image": {"type": "string"},
                                            "ports": {"type": "array"},
                                        },
                                    },
                                }
                            },
                        },
                    },
                },
            },
        },
    },
}
_SERVICE_SCHEMA = {  # a SUBSET of the Kubernetes v1 Service schema
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "v1"},
        "kind": {"const": "Service"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {
            "type": "object",
            "required": ["selector", "ports"],
            "properties": {
                "selector": {"type": "object"},
                "ports": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "object", "required": ["port"]},
                },
            },
        },
    },
}


def _valid(schema):
    def passes(document):
        jsonschema.validate(document, schema)
        return True

    return passes


def is_pinned(image: str) -> bool:
    """An image reference is pinned when it names a digest, or a tag holding a version number
    (`python:3.11-slim`); no tag, `latest` or a word-only tag (`slim`) moves under you."""
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return False
    tag = last.rsplit(":", 1)[1]
    return tag != "latest" and any(c.isdigit() for c in tag)


def _container(document):
    return document["spec"]["template"]["spec"]["containers"][0]


def _probe_ok(probe) -> bool:
    get = (probe or {}).get("httpGet") or {}
    return get.get("path") == "/health" and get.get("port") in (8000, "http")


def _cpu(value) -> float:
    text = str(value)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


_MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 1e3, "M": 1e6, "G": 1e9}


def _memory(value) -> float:
    match = re.fullmatch(r"([0-9.]+)([KMG]i?)?", str(value))
    return float(match.group(1)) * _MEMORY_UNITS.get(match.group(2) or "", 1)


def _resources_ok(document) -> bool:
    resources = _container(document)["resources"]
    requests, limits = resources["requests"], resources["limits"]
    return _cpu(requests["cpu"]) <= _cpu(limits["cpu"]) and _memory(requests["memory"]) <= _memory(
        limits["memory"]
    )


def _non_root(document) -> bool:
    pod = document["spec"]["template"]["spec"].get("securityContext") or {}
    container = _container(document).get("securityContext") or {}
    return container.get("runAsNonRoot", pod.get("runAsNonRoot")) is True


_DEPLOYMENT_RULES = [
    Rule(
        "`{name}` is not a Deployment with the fields a Deployment needs (apiVersion `apps/v1`, "
        "kind, metadata.name, spec.selector.matchLabels, spec.template with labels and one "
        "container with a name and an image).",
        _valid(_DEPLOYMENT_SCHEMA),
    ),
    Rule(
        "`{name}` runs fewer than 2 replicas: one pod is a single point of failure, and a "
        "rolling update has nothing serving while it restarts.",
        lambda d: d["spec"].get("replicas", 1) >= 2,
    ),
    Rule(
        "In `{name}` the pods are not labelled `app: bikes-api`, or spec.selector.matchLabels "
        "does not match the template's labels: the Deployment cannot find its own pods.",
        lambda d: (
            d["spec"]["template"]["metadata"]["labels"].get("app") == "bikes-api"
            and d["spec"]["selector"]["matchLabels"].items()
            <= d["spec"]["template"]["metadata"]["labels"].items()
        ),
    ),
    Rule(
        "The container image in `{name}` is not pinned: use a version tag such as "
        "`bikes-api:1.4.2` (or a digest), never `latest` or no tag.",
        lambda d: is_pinned(_container(d)["image"]),
    ),
    Rule(
        "The container in `{name}` does not declare `containerPort: 8000` (named `http`).",
        lambda d: any(
            p.get("containerPort") == 8000 and p.get("name") == "http"
            for p in _container(d)["ports"]
        ),
    ),
    Rule(
        "The container in `{name}` has no readinessProbe: without it the Service sends traffic "
        "to pods still loading their model.",
        lambda d: bool(_container(d).get("readinessProbe")),
    ),
    Rule(
        "The readinessProbe in `{name}` should GET /health on port 8000 (or `http`): "
        "`httpGet: {{path: /health, port: http}}`. An open port (tcpSocket) says nothing about "
        "whether the model is loaded.",
        lambda d: _probe_ok(_container(d).get("readinessProbe")),
    ),
    Rule(
        "The container in `{name}` has no livenessProbe that GETs /health on port 8000 (or "
        "`http`): a hung process is never restarted.",
        lambda d: _probe_ok(_container(d).get("livenessProbe")),
    ),
    Rule(
        "The container in `{name}` needs resources.requests AND resources.limits, each with "
        "`cpu` and `memory` (`250m` is 0.25 CPU, `256Mi` is 256 MiB).",
        lambda d: all(
            {"cpu", "memory"} <= set(_container(d)["resources"][part])
            for part in ("requests", "limits")
        ),
    ),
    Rule(
        "In `{name}` a request is above its limit: a request is what the scheduler reserves, "
        "a limit the ceiling, so each request must be at most its limit (`250m` = 0.25 CPU, "
        "`1Gi` = 1024 Mi).",
        _resources_ok,
    ),
    Rule(
        "`{name}` does not set `runAsNonRoot: true` in a securityContext (the pod's or the "
        "container's): Kubernetes would start the container as root if the image says so.",
        _non_root,
    ),
]
_SERVICE_RULES = [
    Rule(
        "`{name}` is not a Service with the fields a Service needs (apiVersion `v1`, kind, "
        "metadata.name, spec.selector, spec.ports).",
        _valid(_SERVICE_SCHEMA),
    ),
    Rule(
        "The selector of `{name}` is not `app: bikes-api`: a Service sends traffic to the pods "
        "whose labels match its selector, so this one would reach no pod.",
        lambda d: d["spec"]["selector"] == {"app": "bikes-api"},
    ),
    Rule(
        "`{name}` should listen on port 80 and forward to the container's port 8000 "
        "(`targetPort: 8000` or `targetPort: http`).",
        lambda d: any(
            p["port"] == 80 and p.get("targetPort") in (8000, "http") for p in d["spec"]["ports"]
        ),
    ),
]

_DEPLOYMENT_SOLUTION = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bikes-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: bikes-api
  template:
    metadata:
      labels:
        app: bikes-api
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: api
          image: bikes-api:1.4.2
          ports:
            - name: http
              containerPort: 8000
          readinessProbe:
            httpGet: {path: /health, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /health, port: http}
            initialDelaySeconds: 10
            periodSeconds: 10
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {cpu: "1", memory: 512Mi}
"""
_SERVICE_SOLUTION = """\
apiVersion: v1
kind: Service
metadata:
  name: bikes-api
spec:
  selector:
    app: bikes-api
  ports:
    - port: 80
      targetPort: http
"""


def _k8s_answer(deployment: str = _DEPLOYMENT_SOLUTION, service: str = _SERVICE_SOLUTION) -> str:
    return f"deployment = '''\\\n{deployment}'''\nservice = '''\\\n{service}'''\n"


# --- 05.04.4 the quality gate, run for real ---------------------------------------------------

_THRESHOLDS = {"mae": {"max": 60.0}, "r2": {"min": 0.8}}


_FILES = ("metrics.json", "thresholds.json")


def _run_gate(script: str, metrics, thresholds=None, files=_FILES) -> tuple[int, str]:
    """Run `python gate.py metrics.json thresholds.json` (or the two file names given) in a
    fresh folder holding the three files; (exit status, stderr + stdout). Each distinct run is
    made once per kernel."""
    return _run_gate_files(
        script, json.dumps(metrics), json.dumps(thresholds or _THRESHOLDS), files
    )


@functools.lru_cache(maxsize=512)
def _run_gate_files(script: str, metrics: str, thresholds: str, files=_FILES) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "gate.py").write_text(script, encoding="utf-8")
        (folder / files[0]).write_text(metrics, encoding="utf-8")
        (folder / files[1]).write_text(thresholds, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-I", "gate.py", *files],
            cwd=folder, capture_output=True, text=True, timeout=20,
        )  # fmt: skip
    return done.returncode, done.stderr + done.stdout


def _gate_passes(metrics, thresholds=None):
    return lambda script: _run_gate(script, metrics, thresholds)[0] == 0


def _gate_fails(metrics, word, thresholds=None, files=_FILES):
    def passes(script):
        code, output = _run_gate(script, metrics, thresholds, files)
        return code == 1 and word in output

    return passes


_GATE_RULES = [
    Rule(
        "`{name}` should exit with status 0 when every metric meets its threshold (mae 41.7 "
        "with max 60, r2 0.87 with min 0.8).",
        _gate_passes({"mae": 41.7, "r2": 0.87}),
    ),
    Rule(
        "`{name}` should exit with status 1, and print the metric's name, when mae (84.2) is "
        "above its max (60): CI marks a step failed only by its exit status.",
        _gate_fails({"mae": 84.2, "r2": 0.87}, "mae"),
    ),
    Rule(
        "`{name}` should exit with status 1, and print the metric's name, when r2 (0.62) is "
        "below its min (0.8): `min` is a lower bound, `max` an upper one.",
        _gate_fails({"mae": 41.7, "r2": 0.62}, "r2"),
    ),
    Rule(
        "`{name}` should exit with status 1 (not 2: the status says failed or not, not how "
        "many) and name both metrics when mae (84.2) and r2 (0.62) both miss.",
        lambda script: (
            _run_gate(script, {"mae": 84.2, "r2": 0.62})[0] == 1
            and all(w in _run_gate(script, {"mae": 84.2, "r2": 0.62})[1] for w in ("mae", "r2"))
        ),
    ),
    Rule(
        "`{name}` should pass a metric exactly at its threshold (mae 60.0 with max 60, r2 0.8 "
        "with min 0.8): a threshold is the worst value still allowed.",
        _gate_passes({"mae": 60.0, "r2": 0.8}),
    ),
    Rule(
        "`{name}` should exit with status 1, naming the metric, when a thresholded metric "
        "(mae) is missing from metrics.json: an evaluation that forgot a metric must not pass.",
        _gate_fails({"r2": 0.87}, "mae"),
    ),
    Rule(
        "`{name}` should exit with status 1 when a metric is NaN: every comparison with NaN is "
        "False, so `value > max` lets it through (check with `math.isfinite`).",
        _gate_fails({"mae": float("nan"), "r2": 0.87}, "mae"),
    ),
    Rule(
        "`{name}` should exit with status 1 when a metric is infinite (r2 = Infinity is never "
        "below its min): `math.isnan` misses infinity, `math.isfinite` catches both.",
        _gate_fails({"mae": 41.7, "r2": float("inf")}, "r2"),
    ),
    Rule(
        "`{name}` should read its thresholds from the file (here p95_ms with max 50 and "
        "coverage with min 0.9 and max 1.0; p95_ms 72 fails), not from names written in "
        "the script.",
        _gate_fails(
            {"p95_ms": 72, "coverage": 0.95},
            "p95_ms",
            {"p95_ms": {"max": 50}, "coverage": {"min": 0.9, "max": 1.0}},
        ),
    ),
    Rule(
        "`{name}` should read the two files named on its command line (`sys.argv[1]` and "
        "`sys.argv[2]`), not fixed names: run as `python gate.py latency.json slo.json`, with "
        "p95_ms 72 above its max 50, it must fail.",
        _gate_fails(
            {"p95_ms": 72}, "p95_ms", {"p95_ms": {"max": 50}}, ("latency.json", "slo.json")
        ),
    ),
    Rule(
        "`{name}` should check both bounds when a metric has a min and a max (coverage 1.2 "
        "with max 1.0 fails).",
        _gate_fails({"coverage": 1.2}, "coverage", {"coverage": {"min": 0.9, "max": 1.0}}),
    ),
]

_GATE_SOLUTION = """\
import json
import math
import sys

metrics = json.load(open(sys.argv[1]))
thresholds = json.load(open(sys.argv[2]))
failures = []
for metric, bounds in thresholds.items():
    value = metrics.get(metric)
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        failures.append(f"{metric}: missing or not a finite number ({value!r})")
        continue
    if "min" in bounds and value < bounds["min"]:
        failures.append(f"{metric} = {value} is below its min {bounds['min']}")
    if "max" in bounds and value > bounds["max"]:
        failures.append(f"{metric} = {value} is above its max {bounds['max']}")
for failure in failures:
    print("quality gate FAILED:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
"""


def _gate_answer(script: str) -> str:
    return f"GATE_SCRIPT = '''\\\n{script}'''\n"


def _gate_variant(old: str, new: str) -> str:
    assert old in _GATE_SOLUTION, old
    return _gate_answer(_GATE_SOLUTION.replace(old, new))


# --- 05.04.5 the CI workflow ---------------------------------------------------------------------

_WORKFLOW_SCHEMA = {  # a SUBSET of the GitHub Actions workflow schema: what the rules read
    "type": "object",
    "required": ["name", "jobs"],
    "properties": {
        "name": {"type": "string"},
        "jobs": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["runs-on", "steps"],
                "properties": {
                    "runs-on": {"type": "string"},
                    "steps": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "oneOf": [{"required": ["uses"]}, {"required": ["run"]}],
                        },
                    },
                },
            },
        },
    },
}


def _triggers(document):
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1), as many tools do
    on = document.get("on", document.get(True))
    return set(on) if isinstance(on, (list, dict)) else {on}


def _job(document):
    return next(iter(document["jobs"].values()))


def _steps(document):
    return _job(document)["steps"]


def _index(document, pattern):
    """(step, offset) of the first run command matching pattern: commands in one multi-line
    `run: |` block count in their order there."""
    for i, step in enumerate(_steps(document)):
        match = re.search(pattern, step.get("run", ""))
        if match:
            return (i, match.start())
    return None


def _checkout_pinned(document):
    uses = [s["uses"] for s in _steps(document) if "uses" in s]
    checkout = [u for u in uses if u.startswith("actions/checkout@")]
    return bool(checkout) and re.fullmatch(r"v\d+(\.\d+)*|[0-9a-f]{40}", checkout[0].split("@")[1])


def _matrix_ok(document):
    versions = _job(document)["strategy"]["matrix"]["python-version"]
    return sorted(versions, key=str) == ["3.10", "3.11"]


def _setup_reads_matrix(document):
    setup = [s for s in _steps(document) if s.get("uses", "").startswith("actions/setup-python@")]
    return bool(setup) and bool(
        re.fullmatch(r"\$\{\{\s*matrix\.python-version\s*\}\}", setup[0]["with"]["python-version"])
    )


_COMMANDS = {
    "pip install -r requirements.txt": r"pip install -r requirements\.txt",
    "pytest": r"\bpytest\b",
    "python evaluate.py": r"python evaluate\.py",
    "python gate.py metrics.json thresholds.json": (
        r"python gate\.py metrics\.json thresholds\.json"
    ),
}


def _all_commands(document):
    return all(_index(document, pattern) is not None for pattern in _COMMANDS.values())


def _gate_after_tests(document):
    install, tests, evaluate, gate = (_index(document, p) for p in _COMMANDS.values())
    return install < tests < evaluate < gate


def _no_continue_on_error(document):
    return not any(s.get("continue-on-error") for s in _steps(document)) and not _job(document).get(
        "continue-on-error"
    )


def _no_or(document):
    return not any(re.search(r"\|\|", s.get("run", "")) for s in _steps(document))


_WORKFLOW_RULES = [
    Rule(
        "`{name}` is not a workflow with the fields a workflow needs (a name, and jobs each "
        "with `runs-on` and `steps`, each step a `uses` or a `run`).",
        _valid(_WORKFLOW_SCHEMA),
    ),
    Rule(
        "`{name}` should run on `push` and on `pull_request` (the `on:` key): a change must be "
        "tested before it is merged, not only after.",
        lambda d: {"push", "pull_request"} <= _triggers(d),
    ),
    Rule(
        "The job of `{name}` should run on a named runner image, `ubuntu-24.04`: "
        "`ubuntu-latest` changes under you like a `latest` tag.",
        lambda d: _job(d)["runs-on"] == "ubuntu-24.04",
    ),
    Rule(
        "`{name}` should check the code out with `actions/checkout` pinned to a version "
        "(`@v4`) or a commit, not a branch such as `@main`.",
        _checkout_pinned,
    ),
    Rule(
        '`{name}` should test on Python "3.10" and "3.11" with a matrix '
        '(`strategy.matrix.python-version: ["3.10", "3.11"]`). Quote the versions: YAML reads '
        "3.10 as the number 3.1.",
        _matrix_ok,
    ),
    Rule(
        "`{name}` should install Python with `actions/setup-python@v5`, given "
        "`python-version: ${{{{ matrix.python-version }}}}` (under `with:`), so each matrix "
        "job gets its own version.",
        _setup_reads_matrix,
    ),
    Rule(
        "`{name}` should run each of these commands in a `run` step: `pip install -r "
        "requirements.txt`, `pytest`, `python evaluate.py` and `python gate.py metrics.json "
        "thresholds.json`.",
        _all_commands,
    ),
    Rule(
        "`{name}` should run, in this order: `pip install -r requirements.txt`, `pytest`, "
        "`python evaluate.py`, then `python gate.py metrics.json thresholds.json`: the gate "
        "judges metrics that exist, from the code the tests passed.",
        _gate_after_tests,
    ),
    Rule(
        "`{name}` marks a step or the job `continue-on-error: true`: then a failed test or gate "
        "still shows a green check.",
        _no_continue_on_error,
    ),
    Rule(
        "`{name}` puts `||` after a command (`|| true`, `|| echo failed`): the step then exits "
        "0 whatever the command did, and a failed test or gate shows a green check.",
        _no_or,
    ),
]

_WORKFLOW_SOLUTION = """\
name: ci
on:
  push:
  pull_request:
jobs:
  test:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        python-version: ["3.10", "3.11"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
      - run: pip install -r requirements.txt
      - run: pytest -q
      - run: python evaluate.py
      - run: python gate.py metrics.json thresholds.json
"""


def _workflow_variant(old: str, new: str) -> str:
    assert old in _WORKFLOW_SOLUTION, old
    return f"WORKFLOW = '''\\\n{_WORKFLOW_SOLUTION.replace(old, new)}'''\n"


EXERCISES = [
    Exercise(
        id="05.04.1",
        title="A Dockerfile linter: pinned base, non-root, health check, exec form, pinned installs",
        checks={"dockerfile_problems": Function(_LINT_CASES, returns=Exact())},
        hints=[
            "Start from `parse_dockerfile(text)`: a list of `[INSTRUCTION, arguments]` with "
            "continuation lines joined. Only the stage after the LAST `FROM` is the image that "
            "runs, so USER and CMD count from there; the last USER and the last CMD win. Use "
            "`is_pinned(image)` for each FROM, except a FROM that names an earlier stage "
            "(`FROM python:3.11-slim AS base` ... `FROM base`).",
            "Exec form is a JSON array: `json.loads(arguments)` gives a list, and anything that "
            'is not valid JSON (`["python" serve.py]`) runs in a shell. For installs, split a '
            "RUN on `&&` and `;`, find `pip`/`pip3` ... `install`, skip options and the file "
            "after `-r`; with `-c` (a constraints file) the versions come from that file; every "
            "other package needs `==`. `USER 0` and `USER root:root` are root too.",
        ],
        solution=_LINT_SOLUTION,
        wrong_answers=[
            WrongAnswer(
                _replace(
                    'users = [args.split(":")[0] for kind, args in final if kind == "USER"]\n'
                    '    if not users or users[-1] in ("root", "0"):',
                    'users = [args for kind, args in final if kind == "USER"]\n    if not users:',
                ),
                "Did you flag root only when there is no USER at all? The LAST `USER` decides "
                "(`USER root` after `USER api` runs as root), and `USER 0` or `USER 0:0` is root "
                "by its id.",
            ),
            WrongAnswer(
                _replace("not is_pinned(words[0])", '":" not in words[0].rsplit("/", 1)[-1]'),
                "Did you accept any tag? `python:latest` and `python:slim` move whenever a new "
                "image is pushed; pin a version (`python:3.11-slim`) or a digest. Use "
                "`is_pinned`.",
            ),
            WrongAnswer(
                _replace(
                    "exec_form = isinstance(json.loads(commands[-1]), list)",
                    'exec_form = commands[-1].startswith("[")',
                ),
                "Did you test only for a leading `[`? Docker reads CMD as exec form only when "
                'it is valid JSON: `["python" serve.py]` is run by a shell. Parse it with '
                "`json.loads`.",
            ),
            WrongAnswer(
                _replace(
                    '                if "-c" in rest or "--constraint" in rest:\n'
                    "                    continue\n",
                    "",
                ),
                "Did you flag `pip install -c requirements.txt mlflow`? `-c` is a constraints "
                "file: it pins the versions of the names listed, as the capstone's Dockerfile "
                "does.",
            ),
            WrongAnswer(
                _replace(
                    'if any("==" not in name for name in names):',
                    'if "==" not in command and "-r" not in rest:',
                ),
                "Did you look for `==` anywhere in the command? `pip install wheel==0.45.1 "
                "build` pins one package and not the other, and `-r requirements.txt "
                "scikit-learn` adds an unpinned name after the file: every package named needs "
                "its own `==`.",
            ),
            WrongAnswer(
                _replace('if not checks or checks[-1].upper() == "NONE":', "if not checks:"),
                "Did you count `HEALTHCHECK NONE` as a health check? It switches off the one "
                "the base image had.",
            ),
        ],
    ),
    Exercise(
        id="05.04.2",
        title="Fix a Dockerfile: pinned, cached, non-root, healthy, reachable",
        checks={"FIXED_DOCKERFILE": Document("dockerfile", _FIX_RULES)},
        hints=[
            "Go down the table of section 2: each of its lines answers a question the broken "
            "file gets wrong. Keep this service's own names: requirements.lock, predict_app.py, "
            "model.skops, port 8080, /srv.",
            "Order matters for the cache: copy only requirements.lock, install from it, and only "
            "then copy predict_app.py and model.skops. A `USER` must exist: create it with a "
            "`RUN` first. Three places must say 8080 (EXPOSE, the health check's URL and the "
            "CMD's `--port`); uvicorn listens on 127.0.0.1 unless told `--host 0.0.0.0`; and a "
            "slim image has no curl, so the health check asks Python (`urllib.request`).",
        ],
        solution=f"FIXED_DOCKERFILE = '''\\\n{_FIX_SOLUTION}'''\n",
        wrong_answers=[
            WrongAnswer(
                _fix_variant("RUN useradd --create-home api\nUSER api\n", ""),
                "Did you leave out the USER (or switch back to `USER root` after it)? Then the "
                "service runs as root, and a flaw in it can change every file in the image. Add "
                "a user and make `USER` it the last one.",
            ),
            WrongAnswer(
                _fix_variant(
                    "COPY requirements.lock .\nRUN pip install --no-cache-dir -r requirements.lock\n"
                    "COPY predict_app.py model.skops ./\n",
                    "COPY . .\nRUN pip install --no-cache-dir -r requirements.lock\n",
                ),
                "Did you copy everything before installing? Every change to the code then "
                "reinstalls all the packages. Copy requirements.lock, install, then copy the code.",
            ),
            WrongAnswer(
                _fix_variant('"--host", "0.0.0.0", ', ""),
                "Did you keep uvicorn's default host? It is 127.0.0.1, the container's own "
                "loopback: nothing outside the container can reach the service. Pass "
                "`--host 0.0.0.0`.",
            ),
            WrongAnswer(
                _fix_variant("127.0.0.1:8080/health", "127.0.0.1:8000/health"),
                "Did you copy the lesson's health check? This service listens on 8080: a check "
                "on 8000 fails forever and the container is marked unhealthy.",
            ),
            WrongAnswer(
                _fix_variant(
                    """HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/health')\"""",
                    "HEALTHCHECK CMD curl -f http://127.0.0.1:8080/health || exit 1",
                ),
                "Did you use curl in the health check? The slim Python images do not include "
                "curl (or wget), so the check fails forever and the container is marked "
                "unhealthy. Call the URL with Python's `urllib.request`.",
            ),
            WrongAnswer(
                _fix_variant("FROM python:3.11.9-slim", "FROM python:slim"),
                "Did you pick the `slim` tag without a version? It moves to each new Python "
                "release, so two builds of the same file differ. Pin `python:3.11.9-slim`.",
            ),
        ],
    ),
    Exercise(
        id="05.04.3",
        title="A Kubernetes Deployment and Service with probes and resources",
        checks={
            "deployment": Document("yaml", _DEPLOYMENT_RULES),
            "service": Document("yaml", _SERVICE_RULES),
        },
        hints=[
            "Start from the skeleton in the text; the probes and `resources` go inside the "
            "container (next to `image` and `ports`), `securityContext: {runAsNonRoot: true}` "
            "in the pod's spec (next to `containers`). The pods' label `app: bikes-api` must "
            "appear three times: selector.matchLabels, the template's labels, and the "
            "Service's selector.",
            "A probe: `readinessProbe: {httpGet: {path: /health, port: http}, periodSeconds: "
            "5}`; the liveness probe has the same shape. Resources: `requests: {cpu: 250m, "
            'memory: 256Mi}` and `limits: {cpu: "1", memory: 512Mi}`. The Service: `ports: '
            "[{port: 80, targetPort: http}]`.",
        ],
        solution=f"deployment = '''\\\n{_DEPLOYMENT_SOLUTION}'''\n"
        f"service = '''\\\n{_SERVICE_SOLUTION}'''\n",
        wrong_answers=[
            WrongAnswer(
                _k8s_answer(
                    deployment=_DEPLOYMENT_SOLUTION.replace(
                        "          readinessProbe:\n"
                        "            httpGet: {path: /health, port: http}\n"
                        "            periodSeconds: 5\n",
                        "",
                    )
                ),
                "Did you give the container only a liveness probe? Without a readinessProbe "
                "a pod receives traffic as soon as its process starts, before the model is "
                "loaded, and requests fail during every rollout.",
            ),
            WrongAnswer(
                _k8s_answer(
                    deployment=_DEPLOYMENT_SOLUTION.replace(
                        "            requests: {cpu: 250m, memory: 256Mi}\n", ""
                    )
                ),
                "Did you set limits without requests? The scheduler places pods by their "
                "requests; give both, each request at most its limit.",
            ),
            WrongAnswer(
                _k8s_answer(service=_SERVICE_SOLUTION.replace("app: bikes-api", "name: bikes-api")),
                "Did you select the pods by the Deployment's name? A Service matches pod "
                "LABELS (`app: bikes-api`), not the name in metadata.",
            ),
            WrongAnswer(
                _k8s_answer(
                    deployment=_DEPLOYMENT_SOLUTION.replace("bikes-api:1.4.2", "bikes-api:latest")
                ),
                "Did you deploy `:latest`? Two pods could run different code, and a rollback "
                "cannot name what ran before. Deploy a version tag or a digest.",
            ),
        ],
    ),
    Exercise(
        id="05.04.4",
        title="A model-quality gate that fails the build",
        checks={"GATE_SCRIPT": Document("text", _GATE_RULES)},
        hints=[
            "Read both files with `json.load`; loop over the THRESHOLDS (not the metrics), so a "
            "missing metric is noticed. Collect the failures in a list, print each one (with "
            "the metric's name) to `sys.stderr`, and end with `sys.exit(1 if failures else 0)`.",
            "A failure is: the metric missing, not a finite number (`math.isfinite` is False for "
            "NaN and infinity), below `min` (`value < min`) or above `max` (`value > max`); a "
            "value equal to its bound passes.",
        ],
        solution=_gate_answer(_GATE_SOLUTION),
        wrong_answers=[
            WrongAnswer(
                _gate_variant("sys.exit(1 if failures else 0)", "print('done')"),
                "Did you print the failures but exit 0? CI reads only the exit status: end with "
                "`sys.exit(1)` when anything failed.",
            ),
            WrongAnswer(
                _gate_variant(
                    "    if not isinstance(value, (int, float)) or not math.isfinite(value):\n",
                    "    if value is None:\n",
                ),
                "Did you skip the NaN check? `nan > 60` is False, so an evaluation that "
                "produced NaN passes. Fail any value for which `math.isfinite` is False.",
            ),
            WrongAnswer(
                _gate_variant("value = metrics.get(metric)", "value = metrics.get(metric, 0.0)"),
                "Did you read a missing metric as 0? Then a missing MAE passes with a perfect "
                "score. A metric named in thresholds.json but absent from metrics.json is a "
                "failure.",
            ),
            WrongAnswer(
                _gate_variant('value < bounds["min"]', 'value <= bounds["min"]'),
                "Did you fail a metric that is exactly at its threshold? A bound is the worst "
                "value still allowed: fail only `value < min` or `value > max`.",
            ),
        ],
    ),
    Exercise(
        id="05.04.5",
        title="A CI workflow: tests, then the quality gate",
        checks={"WORKFLOW": Document("yaml", _WORKFLOW_RULES)},
        hints=[
            "Top level: `name`, `on` (with `push:` and `pull_request:`), `jobs`. One job with "
            "`runs-on: ubuntu-24.04`, a `strategy.matrix.python-version` list and `steps`: "
            "`uses: actions/checkout@v4`, `uses: actions/setup-python@v5` with "
            "`with: {python-version: ${{ matrix.python-version }}}`, then one `run:` per "
            "command.",
            'Quote the versions: `["3.10", "3.11"]` (YAML reads 3.10 as 3.1). Order the '
            "`run` steps install, pytest, evaluate, gate, and never add `continue-on-error` or "
            "`|| true`: a step fails the job by its exit status.",
        ],
        solution=f"WORKFLOW = '''\\\n{_WORKFLOW_SOLUTION}'''\n",
        wrong_answers=[
            WrongAnswer(
                _workflow_variant('["3.10", "3.11"]', "[3.10, 3.11]"),
                "Did you write the versions as numbers? YAML reads 3.10 as 3.1, and the job "
                'installs Python 3.1. Quote them: `["3.10", "3.11"]`.',
            ),
            WrongAnswer(
                _workflow_variant(
                    "      - run: python gate.py metrics.json thresholds.json\n",
                    "      - run: python gate.py metrics.json thresholds.json\n"
                    "        continue-on-error: true\n",
                ),
                "Did you mark the gate `continue-on-error`? Then a model that misses its "
                "threshold still gets a green check: the gate must be able to fail the job.",
            ),
            WrongAnswer(
                _workflow_variant("  pull_request:\n", ""),
                "Did you run only on `push`? Pull requests should be tested (and gated) before "
                "they are merged: add `pull_request`.",
            ),
            WrongAnswer(
                _workflow_variant(
                    "      - run: python evaluate.py\n"
                    "      - run: python gate.py metrics.json thresholds.json\n",
                    "      - run: python gate.py metrics.json thresholds.json\n"
                    "      - run: python evaluate.py\n",
                ),
                "Did you run the gate before the evaluation? It would judge a missing or stale "
                "metrics.json. Evaluate first, then gate.",
            ),
        ],
    ),
]
