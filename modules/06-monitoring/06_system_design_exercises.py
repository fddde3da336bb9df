"""Exercises of 06_system_design.ipynb: back-of-envelope estimates checked by number.

Replicas for a peak load, the size of a feature store in GiB, the cost of a training run from
its FLOPs, the tail latency of a fan-out, and batch or online serving for stated requirements.
The cases are chosen so that the usual unit slips (per day read as per second or per hour, GB
for GiB, the average for the peak, forward-only FLOPs) give a different number; they are
module-level values of this spec, so a check runs the same in the notebook and in a grading
kernel and depends on no lesson cell.
"""

import numpy as np

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer

# --- 06.06.1: replicas for the peak, with one to spare ------------------------------------------

_REPLICA_CASES = [
    # 50 M requests a day, peak 4.5x, 120 req/s per replica at 60 %: 2604 req/s at peak -> 37 + 1
    dict(daily_requests=50_000_000, peak_factor=4.5, replica_rps=120.0, utilisation=0.6),
    dict(daily_requests=2_000_000, peak_factor=3.0, replica_rps=25.0, utilisation=0.7),
    dict(daily_requests=300_000_000, peak_factor=2.2, replica_rps=900.0, utilisation=0.5),
    # a small service: the spare replica is a third of the fleet
    dict(daily_requests=400_000, peak_factor=6.0, replica_rps=40.0, utilisation=0.75),
    dict(daily_requests=9_000_000, peak_factor=1.7, replica_rps=11.0, utilisation=0.85),
    # just over and just under 10 replicas' worth: only the exact seconds in a day round right
    dict(daily_requests=864_001, peak_factor=2.0, replica_rps=4.0, utilisation=0.5),
    dict(daily_requests=863_999, peak_factor=2.0, replica_rps=4.0, utilisation=0.5),
]

# --- 06.06.2: a feature store in GiB ------------------------------------------------------------

_STORE_CASES = [
    dict(entities=20_000_000, features=150, bytes_per_value=4, key_bytes=16, versions=1),
    dict(entities=5_000_000, features=40, bytes_per_value=8, key_bytes=36, versions=30),
    dict(entities=120_000, features=2_000, bytes_per_value=2, key_bytes=8, versions=7),
    dict(entities=1_000_000_000, features=12, bytes_per_value=4, key_bytes=24, versions=3),
]

# --- 06.06.3: a training run in dollars ---------------------------------------------------------

_TRAINING_CASES = [
    # 350 M parameters, 20 M examples of 512 tokens: a small language model on 8 GPUs
    dict(
        params=350e6,
        examples=20e6 * 512,
        epochs=1,
        peak_flops=312e12,
        utilisation=0.4,
        price_per_hour=2.5,
        gpus=8,
    ),
    dict(
        params=25e6,
        examples=1.2e6,
        epochs=90,
        peak_flops=125e12,
        utilisation=0.3,
        price_per_hour=1.8,
        gpus=4,
    ),
    dict(
        params=7e9,
        examples=1e12,
        epochs=1,
        peak_flops=989e12,
        utilisation=0.45,
        price_per_hour=4.0,
        gpus=512,
    ),
    # one GPU: the wall-clock hours are the GPU-hours
    dict(
        params=1e6,
        examples=5e7,
        epochs=20,
        peak_flops=20e12,
        utilisation=0.1,
        price_per_hour=0.6,
        gpus=1,
    ),
]

# --- 06.06.4: the tail of a fan-out -------------------------------------------------------------

_rng = np.random.default_rng(6)
_LATENCIES_MS = np.round(_rng.lognormal(np.log(12.0), 0.5, 4_000), 3)
_SKEWED_MS = np.round(
    np.where(_rng.random(3_000) < 0.05, _rng.uniform(80, 300, 3_000), _rng.gamma(4, 2.0, 3_000)),
    3,
)
_FANOUT_CASES = [
    dict(samples=_LATENCIES_MS, fanout=1, q=0.99),
    dict(samples=_LATENCIES_MS, fanout=10, q=0.99),
    dict(samples=_LATENCIES_MS, fanout=100, q=0.99),
    dict(samples=_SKEWED_MS, fanout=20, q=0.5),
    dict(samples=_SKEWED_MS, fanout=4, q=0.9),
]

# --- 06.06.5: batch or online -------------------------------------------------------------------


def _needs(**changes):
    base = dict(
        entities=1_000_000,
        requests_per_day=200_000,
        inputs_known_ahead=True,
        max_staleness_h=24.0,
        batch_interval_h=24.0,
        batch_cost_per_row=1e-6,
        online_cost_per_request=2e-5,
    )
    return {**base, **changes}


_MODE_CASES = [
    # fresh enough and cheaper in batch (1.0 vs 4.0 a day)
    _needs(),
    # inputs only known with the request (a search query, a card payment)
    _needs(inputs_known_ahead=False),
    # must be fresher than the batch runs: 1 h staleness, a daily job
    _needs(max_staleness_h=1.0),
    # an hourly job is fresh enough, but 24 runs a day cost 24.0 against 4.0 online
    _needs(max_staleness_h=2.0, batch_interval_h=1.0),
    # few entities, many requests: hourly batch 0.48 a day against 40.0 online
    _needs(entities=20_000, requests_per_day=2_000_000, max_staleness_h=1.0, batch_interval_h=1.0),
    # a weekly job: one run (10.0) costs more than a day online (8.0), but a day of runs is
    # 10.0 / 7 = 1.43
    _needs(
        entities=10_000_000, requests_per_day=400_000, max_staleness_h=168.0, batch_interval_h=168.0
    ),
    # a weekly job on ten times the entities: 100.0 a run, 14.3 a day against 8.0 online (a
    # count of whole runs a day, 24 // 168 = 0, makes batch look free)
    _needs(
        entities=100_000_000,
        requests_per_day=400_000,
        max_staleness_h=168.0,
        batch_interval_h=168.0,
    ),
    # a staleness of exactly the batch interval is fresh enough (1.5 a day against 6.0)
    _needs(entities=250_000, requests_per_day=300_000, max_staleness_h=4.0, batch_interval_h=4.0),
    # close calls, every 8 h (3 runs a day): a tie (1500 each) goes to batch; 2 % either way
    _needs(
        entities=1_000,
        requests_per_day=3_000,
        max_staleness_h=12.0,
        batch_interval_h=8.0,
        batch_cost_per_row=0.5,
        online_cost_per_request=0.5,
    ),
    _needs(
        entities=1_000,
        requests_per_day=3_060,
        max_staleness_h=12.0,
        batch_interval_h=8.0,
        batch_cost_per_row=0.5,
        online_cost_per_request=0.5,
    ),
    _needs(
        entities=1_000,
        requests_per_day=2_940,
        max_staleness_h=12.0,
        batch_interval_h=8.0,
        batch_cost_per_row=0.5,
        online_cost_per_request=0.5,
    ),
]

EXERCISES = [
    Exercise(
        id="06.06.1",
        title="Replicas for the peak, with one to spare",
        checks={
            "replicas_needed": Function(cases=_REPLICA_CASES, returns=Close(rtol=0, atol=1e-9))
        },
        hints=[
            "Three steps: requests per second on average (a day has 86,400 seconds), times the "
            "peak factor; what one replica may carry is its throughput times the target "
            "utilisation; divide, round up, add the spare.",
            "`math.ceil(daily_requests / 86_400 * peak_factor / (replica_rps * utilisation)) + 1`.",
        ],
        solution="""
            def replicas_needed(daily_requests, peak_factor, replica_rps, utilisation):
                \"\"\"Replicas that carry the peak at the target utilisation, plus one spare.\"\"\"
                peak_rps = daily_requests / 86_400 * peak_factor
                return math.ceil(peak_rps / (replica_rps * utilisation)) + 1
        """,
        wrong_answers=[
            WrongAnswer(
                "def replicas_needed(daily_requests, peak_factor, replica_rps, utilisation):\n"
                "    return math.ceil(daily_requests / 86_400 / (replica_rps * utilisation)) + 1\n",
                "Did you size for the average load? `{name}` must carry the peak: multiply the "
                "average requests per second by `peak_factor` first.",
            ),
            WrongAnswer(
                "def replicas_needed(daily_requests, peak_factor, replica_rps, utilisation):\n"
                "    return math.ceil(daily_requests / 3_600 * peak_factor\n"
                "                     / (replica_rps * utilisation)) + 1\n",
                "Did you divide by 3,600? That gives requests per second from requests per "
                "*hour*; a day has 86,400 seconds.",
            ),
            WrongAnswer(
                "def replicas_needed(daily_requests, peak_factor, replica_rps, utilisation):\n"
                "    return math.ceil(daily_requests / 86_400 * peak_factor / replica_rps) + 1\n",
                "Did you run the replicas flat out? Leave headroom: each replica may carry only "
                "`replica_rps * utilisation`, because queueing delay explodes near 100 %.",
            ),
            WrongAnswer(
                "def replicas_needed(daily_requests, peak_factor, replica_rps, utilisation):\n"
                "    return round(daily_requests / 86_400 * peak_factor\n"
                "                 / (replica_rps * utilisation)) + 1\n",
                "Did you round to the nearest whole replica? 37.2 replicas' worth of load needs "
                "38 replicas: round up with `math.ceil`.",
            ),
            WrongAnswer(
                "def replicas_needed(daily_requests, peak_factor, replica_rps, utilisation):\n"
                "    return math.ceil(daily_requests / 86_400 * peak_factor\n"
                "                     / (replica_rps * utilisation))\n",
                "Did you leave out the spare? With exactly enough replicas, losing one (a crash, "
                "a deploy) overloads the rest at the peak: add one.",
            ),
        ],
    ),
    Exercise(
        id="06.06.2",
        title="A feature store in GiB",
        checks={"feature_store_gib": Function(cases=_STORE_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "One row per entity and version; a row holds its key and `features` values of "
            "`bytes_per_value` bytes each.",
            "`entities * versions * (key_bytes + features * bytes_per_value) / 2**30`: a GiB is "
            "2**30 bytes, not 10**9.",
        ],
        solution="""
            def feature_store_gib(entities, features, bytes_per_value, key_bytes, versions):
                \"\"\"Size of the stored rows in GiB (2**30 bytes).\"\"\"
                row_bytes = key_bytes + features * bytes_per_value
                return entities * versions * row_bytes / 2**30
        """,
        wrong_answers=[
            WrongAnswer(
                "def feature_store_gib(entities, features, bytes_per_value, key_bytes, versions):\n"
                "    return entities * versions * (key_bytes + features * bytes_per_value) / 1e9\n",
                "Did you divide by 10**9? That is GB; `{name}` asks for GiB, 2**30 bytes, about "
                "7 % larger, so the same bytes are fewer GiB.",
            ),
            WrongAnswer(
                "def feature_store_gib(entities, features, bytes_per_value, key_bytes, versions):\n"
                "    return entities * (key_bytes + features * bytes_per_value) / 2**30\n",
                "Did you store one version only? Each of the `versions` snapshots is a full copy "
                "of every entity's row.",
            ),
            WrongAnswer(
                "def feature_store_gib(entities, features, bytes_per_value, key_bytes, versions):\n"
                "    return entities * versions * features * bytes_per_value / 2**30\n",
                "Did you forget the keys? Every row also stores its entity key (`key_bytes`), "
                "which matters when rows are narrow.",
            ),
        ],
    ),
    Exercise(
        id="06.06.3",
        title="What a training run takes: hours and dollars",
        checks={"training_run": Function(cases=_TRAINING_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "Total FLOPs = 6 x parameters x examples seen (examples x epochs). Each GPU does "
            "`peak_flops * utilisation` of them per second, and `gpus` of them share the work; "
            "every GPU is billed for every hour of the run.",
            "`gpu_hours = 6 * params * examples * epochs / (peak_flops * utilisation) / 3600`; "
            "return `(gpu_hours / gpus, gpu_hours * price_per_hour)`.",
        ],
        solution="""
            def training_run(params, examples, epochs, peak_flops, utilisation, price_per_hour,
                             gpus):
                \"\"\"(wall-clock hours, dollars) of one run on `gpus` GPUs that scale perfectly.\"\"\"
                flops = 6 * params * examples * epochs
                gpu_hours = flops / (peak_flops * utilisation) / 3600
                return gpu_hours / gpus, gpu_hours * price_per_hour
        """,
        wrong_answers=[
            WrongAnswer(
                "def training_run(params, examples, epochs, peak_flops, utilisation, "
                "price_per_hour, gpus):\n"
                "    gpu_hours = 2 * params * examples * epochs / (peak_flops * utilisation) / 3600\n"
                "    return gpu_hours / gpus, gpu_hours * price_per_hour\n",
                "Did you count the forward pass only (2 FLOPs per parameter)? Training also runs "
                "the backward pass, twice the forward's work: 6 in all.",
            ),
            WrongAnswer(
                "def training_run(params, examples, epochs, peak_flops, utilisation, "
                "price_per_hour, gpus):\n"
                "    gpu_hours = 6 * params * examples * epochs / peak_flops / 3600\n"
                "    return gpu_hours / gpus, gpu_hours * price_per_hour\n",
                "Did you assume the GPUs run at their peak? Real training reaches a fraction of "
                "it (`utilisation`); divide by `peak_flops * utilisation`.",
            ),
            WrongAnswer(
                "def training_run(params, examples, epochs, peak_flops, utilisation, "
                "price_per_hour, gpus):\n"
                "    gpu_hours = 6 * params * examples / (peak_flops * utilisation) / 3600\n"
                "    return gpu_hours / gpus, gpu_hours * price_per_hour\n",
                "Did you leave out the epochs? Each epoch sees every example again.",
            ),
            WrongAnswer(
                "def training_run(params, examples, epochs, peak_flops, utilisation, "
                "price_per_hour, gpus):\n"
                "    gpu_seconds = 6 * params * examples * epochs / (peak_flops * utilisation)\n"
                "    return gpu_seconds / gpus, gpu_seconds * price_per_hour\n",
                "Did you use seconds where hours are asked? Divide the seconds by 3,600 first; the "
                "price is per hour too.",
            ),
            WrongAnswer(
                "def training_run(params, examples, epochs, peak_flops, utilisation, "
                "price_per_hour, gpus):\n"
                "    gpu_hours = 6 * params * examples * epochs / (peak_flops * utilisation) / 3600\n"
                "    return gpu_hours / gpus, gpu_hours / gpus * price_per_hour\n",
                "Did you bill one GPU? The run takes `gpu_hours / gpus` hours on each of `gpus` GPUs, "
                "and each is billed: more GPUs make a run faster, not cheaper.",
            ),
            WrongAnswer(
                "def training_run(params, examples, epochs, peak_flops, utilisation, "
                "price_per_hour, gpus):\n"
                "    gpu_hours = 6 * params * examples * epochs / (peak_flops * utilisation) / 3600\n"
                "    return gpu_hours, gpu_hours * price_per_hour\n",
                "Did you forget that the GPUs share the work? With `gpus` GPUs the wall-clock time is "
                "the GPU-hours divided by `gpus`.",
            ),
        ],
    ),
    Exercise(
        id="06.06.4",
        title="The tail latency of a fan-out",
        checks={"fanout_quantile": Function(cases=_FANOUT_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "The request is faster than t only when all `fanout` calls are: P = p(t) ** fanout. "
            "For that to equal q, each call must be under t with probability q ** (1 / fanout).",
            "`np.quantile(samples, q ** (1 / fanout))`.",
        ],
        solution="""
            def fanout_quantile(samples, fanout, q):
                \"\"\"q-quantile of the slowest of `fanout` independent calls like `samples`.\"\"\"
                return np.quantile(samples, q ** (1 / fanout))
        """,
        wrong_answers=[
            WrongAnswer(
                "def fanout_quantile(samples, fanout, q):\n    return np.quantile(samples, q)\n",
                "Did you take one call's quantile? The request waits for the slowest of "
                "`fanout` calls, so its q-quantile sits further out: at q ** (1 / fanout).",
            ),
            WrongAnswer(
                "def fanout_quantile(samples, fanout, q):\n"
                "    return np.quantile(samples, max(0.0, 1 - (1 - q) * fanout))\n",
                "Did you multiply the slow fraction by `fanout`? That runs the wrong way: the "
                "calls must each be *faster* than a single call's q-quantile, at q ** (1 / "
                "fanout), not slower.",
            ),
            WrongAnswer(
                "def fanout_quantile(samples, fanout, q):\n"
                "    return fanout * np.quantile(samples, q)\n",
                "Did you add the calls' latencies? Parallel calls overlap: the request waits for "
                "the slowest one, not for the sum.",
            ),
        ],
    ),
    Exercise(
        id="06.06.5",
        title="Batch or online, for stated requirements",
        checks={"serving_mode": Function(cases=_MODE_CASES, returns=Exact())},
        hints=[
            "Two rules rule batch out: the inputs are not known before the request, or a "
            "prediction may be no older than `max_staleness_h` but the batch only runs every "
            "`batch_interval_h`. Otherwise compare what a day costs each way.",
            "Batch per day: `entities * (24 / batch_interval_h) * batch_cost_per_row`; online "
            "per day: `requests_per_day * online_cost_per_request`; batch wins ties.",
        ],
        solution="""
            def serving_mode(entities, requests_per_day, inputs_known_ahead, max_staleness_h,
                             batch_interval_h, batch_cost_per_row, online_cost_per_request):
                \"\"\"'batch' or 'online' for the stated requirements.\"\"\"
                if not inputs_known_ahead or batch_interval_h > max_staleness_h:
                    return "online"
                batch_per_day = entities * 24 / batch_interval_h * batch_cost_per_row
                online_per_day = requests_per_day * online_cost_per_request
                return "batch" if batch_per_day <= online_per_day else "online"
        """,
        wrong_answers=[
            WrongAnswer(
                "def serving_mode(entities, requests_per_day, inputs_known_ahead, "
                "max_staleness_h,\n"
                "                 batch_interval_h, batch_cost_per_row, "
                "online_cost_per_request):\n"
                "    if not inputs_known_ahead or batch_interval_h > max_staleness_h:\n"
                "        return 'online'\n"
                "    return 'batch'\n",
                "Did you pick batch whenever it is possible? It scores every entity each run, "
                "requested or not: compare what a day costs each way.",
            ),
            WrongAnswer(
                "def serving_mode(entities, requests_per_day, inputs_known_ahead, "
                "max_staleness_h,\n"
                "                 batch_interval_h, batch_cost_per_row, "
                "online_cost_per_request):\n"
                "    if not inputs_known_ahead or batch_interval_h > max_staleness_h:\n"
                "        return 'online'\n"
                "    batch = entities * batch_cost_per_row\n"
                "    online = requests_per_day * online_cost_per_request\n"
                "    return 'batch' if batch <= online else 'online'\n",
                "Did you compare one batch run with a day of online requests? A job every "
                "`batch_interval_h` hours runs 24 / batch_interval_h times a day.",
            ),
            WrongAnswer(
                "def serving_mode(entities, requests_per_day, inputs_known_ahead, "
                "max_staleness_h,\n"
                "                 batch_interval_h, batch_cost_per_row, "
                "online_cost_per_request):\n"
                "    if not inputs_known_ahead or batch_interval_h > max_staleness_h:\n"
                "        return 'online'\n"
                "    batch = entities * (24 // batch_interval_h) * batch_cost_per_row\n"
                "    online = requests_per_day * online_cost_per_request\n"
                "    return 'batch' if batch <= online else 'online'\n",
                "Did you count whole runs a day with `24 // batch_interval_h`? A weekly job runs "
                "1/7 of a time a day, not 0 times (which would make batch free): use `/`.",
            ),
            WrongAnswer(
                "def serving_mode(entities, requests_per_day, inputs_known_ahead, "
                "max_staleness_h,\n"
                "                 batch_interval_h, batch_cost_per_row, "
                "online_cost_per_request):\n"
                "    if not inputs_known_ahead:\n"
                "        return 'online'\n"
                "    batch = entities * 24 / batch_interval_h * batch_cost_per_row\n"
                "    online = requests_per_day * online_cost_per_request\n"
                "    return 'batch' if batch <= online else 'online'\n",
                "Did you forget freshness? A prediction made by a job every `batch_interval_h` "
                "hours can be that old; when that exceeds `max_staleness_h`, serve online.",
            ),
        ],
    ),
]
