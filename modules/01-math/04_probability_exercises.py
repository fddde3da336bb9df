"""Exercises of 04_probability.ipynb: binomial tails, the dispersion index, expectations of
functions, an alert threshold from the central limit theorem, Bayes' rule (repeat diagnostic
tests, a naive-Bayes spam filter) and the maximum-likelihood estimate of a rate."""

import numpy as np

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

_rng = np.random.default_rng(4)

# 01.04.1: P(X >= k) for X ~ Binomial(n, p). The cases include k = 0 (always true), k = n,
# k > n (impossible) and p = 0, where a normal approximation or an off-by-one tail fails.
_AT_LEAST_CASES = [
    dict(k=190, n=200, p=0.9),
    dict(k=3, n=5, p=0.5),
    dict(k=0, n=10, p=0.3),
    dict(k=10, n=10, p=0.5),
    dict(k=12, n=10, p=0.7),
    dict(k=1, n=20, p=0.0),
    dict(k=40, n=50, p=0.75),
]

# 01.04.2: sample variance / sample mean. Tiny samples make ddof=0 vs ddof=1 a factor of 2 or
# 1.5; a constant sample has index 0.
_DISPERSION_CASES = [
    dict(counts=np.array([3, 5])),
    dict(counts=np.array([0, 0, 9])),
    dict(counts=np.array([4, 4, 4, 4])),
    dict(counts=_rng.poisson(6.0, size=20)),
]

# 01.04.3: E[max(X - stock, 0)] for X ~ Poisson(lam). stock = 0 gives lam itself; lam = 150
# and lam = 2500 put the mass beyond a sum cut off at a fixed k (100, 200 or 1000); lam = 2,
# stock = 10 is a tiny tail.
_SHORTFALL_CASES = [
    dict(lam=5.4, stock=5),
    dict(lam=5.4, stock=0),
    dict(lam=0.5, stock=3),
    dict(lam=2.0, stock=10),
    dict(lam=150.0, stock=140),
    dict(lam=12.0, stock=9),
    dict(lam=2500.0, stock=2450),
]

# 01.04.4: the threshold t with P(mean of n values > t) = rate, by the central limit theorem.
# n = 1 hides a missing square root of n; rate = 0.5 gives mu whatever the spread; several rates
# so that a hard-coded z (1.96, 2.33) or a two-sided quantile cannot pass.
_THRESHOLD_CASES = [
    dict(mu=5.0, sigma=2.0, n=1, false_alarm_rate=0.05),
    dict(mu=5.0, sigma=2.0, n=25, false_alarm_rate=0.01),
    dict(mu=144.0, sigma=134.0, n=30, false_alarm_rate=0.001),
    dict(mu=0.0, sigma=1.0, n=4, false_alarm_rate=0.2),
    dict(mu=10.0, sigma=3.0, n=36, false_alarm_rate=0.5),
    dict(mu=2.0, sigma=0.5, n=400, false_alarm_rate=0.025),
]

# 01.04.5: P(disease | a sequence of conditionally independent test results). No results (the
# prevalence), one positive, two positives, mixed results in both orders, a lone negative, a
# perfect specificity (a positive proves disease) and prevalences 0 and 1.
_REPEAT_CASES = [
    dict(prevalence=0.01, sensitivity=0.9, specificity=0.95, results=[True, True]),
    dict(prevalence=0.01, sensitivity=0.9, specificity=0.95, results=[True, False]),
    dict(prevalence=0.002, sensitivity=0.95, specificity=0.98, results=[True]),
    dict(prevalence=0.3, sensitivity=0.6, specificity=0.7, results=[False, True, False]),
    dict(prevalence=0.2, sensitivity=0.99, specificity=0.9, results=[]),
    dict(prevalence=0.001, sensitivity=0.8, specificity=0.99, results=[True, True, True]),
    dict(prevalence=0.05, sensitivity=0.8, specificity=1.0, results=[False, True]),
    dict(prevalence=0.5, sensitivity=0.9, specificity=0.8, results=[False]),
    dict(prevalence=0.0, sensitivity=0.9, specificity=0.95, results=[True, False]),
    dict(prevalence=1.0, sensitivity=0.9, specificity=0.95, results=[False, True]),
]

# 01.04.6: naive-Bayes spam posterior. An empty message returns the prior; a 400-word message
# makes both products underflow to 0.0 (0/0 is nan) although its posterior is an ordinary
# number; a 300-word spam with log-odds about 750 makes the odds themselves overflow to inf
# (a product of likelihood ratios, or exp(log_odds) / (1 + exp(log_odds)), gives nan); prior
# 0.5 cases alone would hide a forgotten prior.
_long_p_spam = _rng.uniform(1e-4, 1e-2, size=400)
_long_p_ham = _long_p_spam * np.exp(_rng.normal(0.0, 0.1, size=400))
_long_p_ham *= np.exp((np.sum(np.log(_long_p_spam / _long_p_ham)) - 0.8) / 400)  # log LR 0.8
_spammy_p_ham = np.linspace(1e-4, 1e-2, 300)
_spammy_p_spam = _spammy_p_ham * np.exp(2.5)  # every word 12 times as likely in spam
_SPAM_CASES = [
    dict(prior_spam=0.5, p_spam=np.array([0.2]), p_ham=np.array([0.01])),
    dict(prior_spam=0.2, p_spam=np.array([0.2, 0.05, 0.01]), p_ham=np.array([0.01, 0.05, 0.03])),
    dict(prior_spam=0.6, p_spam=np.array([]), p_ham=np.array([])),
    dict(prior_spam=0.3, p_spam=_long_p_spam, p_ham=_long_p_ham),
    dict(prior_spam=0.9, p_spam=np.array([0.001, 0.002]), p_ham=np.array([0.02, 0.03])),
    dict(prior_spam=0.4, p_spam=_spammy_p_spam, p_ham=_spammy_p_ham),
]

# 01.04.7: the MLE of a Poisson rate from counts over different exposures. Equal exposures
# (every approach agrees), unequal ones, zero counts and a single observation.
_RATE_CASES = [
    dict(counts=np.array([3, 5, 4]), exposure=np.array([1.0, 1.0, 1.0])),
    dict(counts=np.array([2, 30]), exposure=np.array([1.0, 10.0])),
    dict(counts=np.array([0, 0, 7]), exposure=np.array([0.5, 2.0, 3.5])),
    dict(counts=np.array([12]), exposure=np.array([4.0])),
    dict(counts=_rng.poisson(3.0 * np.arange(1, 31)), exposure=np.arange(1.0, 31.0)),
]

EXERCISES = [
    Exercise(
        id="01.04.1",
        title="How likely is a test score at least this good?",
        checks={"prob_at_least": Function(cases=_AT_LEAST_CASES, returns=Close(1e-7, 1e-12))},
        hints=[
            "P(X ≥ k) = 1 − P(X ≤ k − 1): everything except the outcomes 0, 1, ..., k − 1. "
            "`stats.binom.cdf(j, n, p)` is P(X ≤ j).",
            "`return 1 - stats.binom.cdf(k - 1, n, p)`, or the same without the subtraction's "
            "rounding: `stats.binom.sf(k - 1, n, p)` (sf, the survival function, is P(X > j)).",
        ],
        solution="""
            def prob_at_least(k, n, p):
                \"\"\"P(X >= k) for X ~ Binomial(n, p).\"\"\"
                return stats.binom.sf(k - 1, n, p)
        """,
        wrong_answers=[
            WrongAnswer(
                "def prob_at_least(k, n, p):\n    return 1 - stats.binom.cdf(k, n, p)\n",
                "Did you compute 1 − cdf(k)? That is P(X > k): it leaves out X = k itself. "
                "Subtract P(X ≤ k − 1) instead.",
            ),
            WrongAnswer(
                "def prob_at_least(k, n, p):\n    return stats.binom.pmf(k, n, p)\n",
                "Did you return the pmf? `stats.binom.pmf(k, n, p)` is P(X = k), one bar of the "
                "histogram; `{name}` adds all the bars from k up to n.",
            ),
            WrongAnswer(
                """
                def prob_at_least(k, n, p):
                    return stats.norm.sf(k, loc=n * p, scale=np.sqrt(n * p * (1 - p)))
                """,
                "Did you use a normal approximation? It is rough for small n, breaks down when "
                "p is 0 or 1, and here needs no approximation: the binomial tail is exact.",
            ),
        ],
    ),
    Exercise(
        id="01.04.2",
        title="Is it Poisson? The dispersion index of a small sample",
        checks={"dispersion_index": Function(cases=_DISPERSION_CASES, returns=Close(1e-9, 1e-12))},
        hints=[
            "The dispersion index is the sample variance divided by the sample mean. The sample "
            "variance divides the squared deviations by n − 1, not n.",
            "`np.var` divides by n unless told otherwise: "
            "`return np.var(counts, ddof=1) / np.mean(counts)`.",
        ],
        solution="""
            def dispersion_index(counts):
                \"\"\"Sample variance (ddof=1) divided by the sample mean.\"\"\"
                return np.var(counts, ddof=1) / np.mean(counts)
        """,
        wrong_answers=[
            WrongAnswer(
                "def dispersion_index(counts):\n    return np.var(counts) / np.mean(counts)\n",
                "Did you use `np.var` with its default `ddof=0`? It divides by n and "
                "underestimates the variance of a small sample; pass `ddof=1` (pandas' `.var()` "
                "does that by default, NumPy's does not).",
            ),
            WrongAnswer(
                "def dispersion_index(counts):\n"
                "    return np.std(counts, ddof=1) / np.mean(counts)\n",
                "Did you divide the standard deviation by the mean? That is the coefficient of "
                "variation; a Poisson has *variance* equal to its mean, so divide the variance.",
            ),
        ],
    ),
    Exercise(
        id="01.04.3",
        title="Expected unmet demand: the expectation of a function",
        checks={"expected_shortfall": Function(cases=_SHORTFALL_CASES, returns=Close(1e-6, 1e-12))},
        hints=[
            "The expectation of a function of X is E[g(X)] = Σ g(k) · P(X = k), summed over "
            "every value k; here g(k) = max(k − stock, 0), which is 0 for k ≤ stock. Do not "
            "plug λ into g.",
            "The sum over k > stock is infinite. Either cut it where the pmf is negligible "
            "(`k = np.arange(stock + 1, int(lam + 20 * np.sqrt(lam) + 20))`, then "
            "`np.sum((k - stock) * stats.poisson.pmf(k, lam))`), or use "
            "max(X − s, 0) = X − s + max(s − X, 0), so E = λ − s + Σ over k < s of "
            "(s − k) · P(X = k): a finite sum.",
        ],
        solution="""
            def expected_shortfall(lam, stock):
                \"\"\"E[max(X - stock, 0)] for X ~ Poisson(lam), exactly.\"\"\"
                k = np.arange(stock)  # the values below the stock: a finite sum
                return lam - stock + np.sum((stock - k) * stats.poisson.pmf(k, lam))
        """,
        wrong_answers=[
            WrongAnswer(
                "def expected_shortfall(lam, stock):\n    return max(lam - stock, 0)\n",
                "Did you plug the mean into the function? E[max(X − s, 0)] is not "
                "max(E[X] − s, 0): a busy hour's missing bikes are not cancelled by a quiet "
                "hour's spare ones. Average g(k) over the distribution instead.",
            ),
            WrongAnswer(
                """
                def expected_shortfall(lam, stock):
                    k = np.arange(stock + 1, 100)
                    return np.sum((k - stock) * stats.poisson.pmf(k, lam))
                """,
                "Did you stop the sum at a fixed k? When λ is large most of the probability lies "
                "beyond it; let the upper end grow with λ (a few standard deviations, √λ each, "
                "above λ) or turn the sum into a finite one.",
            ),
            WrongAnswer(
                """
                def expected_shortfall(lam, stock):
                    k = np.arange(0, 1000)
                    return np.sum(np.maximum(k - stock, 0) * stats.poisson.pmf(k, lam))
                """,
                "Did you stop the sum at a fixed k, however large? Any fixed end fails for a "
                "large enough λ (here λ = 2500); let the upper end grow with λ (a few standard "
                "deviations, √λ each, above λ) or turn the sum into a finite one.",
            ),
            WrongAnswer(
                """
                def expected_shortfall(lam, stock):
                    k = np.arange(stock + 1, int(lam + 20 * np.sqrt(lam) + 20))
                    return np.sum(k * stats.poisson.pmf(k, lam))
                """,
                "Did you sum k · P(X = k) over k > stock? That counts every rider of a short "
                "hour; only the k − stock riders beyond the stock find no bike.",
            ),
        ],
    ),
    Exercise(
        id="01.04.4",
        title="An alert threshold for a chosen false-alarm rate: the central limit theorem",
        checks={"alert_threshold": Function(cases=_THRESHOLD_CASES, returns=Close(1e-7, 1e-12))},
        hints=[
            "By the central limit theorem the mean of n values is approximately normal with "
            "mean μ and standard deviation σ/√n (not σ). The alarm is on the upper side: "
            "P(mean > t) = rate means P(mean ≤ t) = 1 − rate, so t is the (1 − rate)-quantile.",
            "`return stats.norm.ppf(1 - false_alarm_rate, loc=mu, scale=sigma / np.sqrt(n))`, "
            "or `stats.norm.isf(false_alarm_rate, ...)`: isf inverts sf = P(value > x).",
        ],
        solution="""
            def alert_threshold(mu, sigma, n, false_alarm_rate):
                \"\"\"Threshold t with P(mean of n independent values > t) = false_alarm_rate.\"\"\"
                return stats.norm.isf(false_alarm_rate, loc=mu, scale=sigma / np.sqrt(n))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def alert_threshold(mu, sigma, n, false_alarm_rate):
                    return stats.norm.ppf(false_alarm_rate, loc=mu, scale=sigma / np.sqrt(n))
                """,
                "Did you call `ppf(false_alarm_rate)`? That is the threshold with the rate "
                "*below* it, under the mean. The alarm fires above t, so P(mean ≤ t) = 1 − rate: "
                "use `ppf(1 - false_alarm_rate)` or `isf(false_alarm_rate)`.",
            ),
            WrongAnswer(
                """
                def alert_threshold(mu, sigma, n, false_alarm_rate):
                    return stats.norm.isf(false_alarm_rate, loc=mu, scale=sigma)
                """,
                "Did you use σ, the spread of a single value? An average of n independent values "
                "varies less: its standard deviation is σ/√n.",
            ),
            WrongAnswer(
                """
                def alert_threshold(mu, sigma, n, false_alarm_rate):
                    return stats.norm.isf(false_alarm_rate, loc=mu, scale=sigma / n)
                """,
                "Did you divide σ by n? The *variance* of the mean is σ²/n, so its standard "
                "deviation is σ/√n.",
            ),
            WrongAnswer(
                """
                def alert_threshold(mu, sigma, n, false_alarm_rate):
                    z = stats.norm.ppf(1 - false_alarm_rate / 2)
                    return mu + z * sigma / np.sqrt(n)
                """,
                "Did you use a two-sided quantile, 1 − rate/2 (1.96 for 5%)? That splits the "
                "rate between both tails; the alarm fires on one side only, so the quantile is "
                "1 − rate.",
            ),
        ],
    ),
    Exercise(
        id="01.04.5",
        title="Bayes' rule, test after test",
        checks={
            "prob_disease_after_tests": Function(cases=_REPEAT_CASES, returns=Close(1e-9, 1e-12))
        },
        hints=[
            "Apply Bayes' rule one result at a time: the posterior after a test is the prior "
            "for the next. For a positive the likelihoods are P(+ | D) = sensitivity and "
            "P(+ | healthy) = 1 − specificity; for a negative, P(− | D) = 1 − sensitivity and "
            "P(− | healthy) = specificity.",
            "Start from `p = prevalence`; for each result choose `like_sick, like_healthy` as "
            "above and set `p = like_sick * p / (like_sick * p + like_healthy * (1 - p))`; "
            "return `p` (the prevalence itself when there are no results).",
        ],
        solution="""
            def prob_disease_after_tests(prevalence, sensitivity, specificity, results):
                \"\"\"P(disease | the test results), one Bayes update per result.\"\"\"
                p = prevalence
                for positive in results:
                    if positive:
                        like_sick, like_healthy = sensitivity, 1 - specificity
                    else:
                        like_sick, like_healthy = 1 - sensitivity, specificity
                    p = like_sick * p / (like_sick * p + like_healthy * (1 - p))
                return p
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def prob_disease_after_tests(prevalence, sensitivity, specificity, results):
                    p = prevalence
                    for positive in results:
                        if positive:
                            p = sensitivity * p / (sensitivity * p + (1 - specificity) * (1 - p))
                    return p
                """,
                "Did you skip the negative results? A negative is evidence too: it multiplies "
                "the odds of disease by (1 − sensitivity) / specificity. Update on every result, "
                "with P(− | D) = 1 − sensitivity and P(− | healthy) = specificity.",
            ),
            WrongAnswer(
                """
                def prob_disease_after_tests(prevalence, sensitivity, specificity, results):
                    p = prevalence
                    for positive in results:
                        p = sensitivity * p / (sensitivity * p + (1 - specificity) * (1 - p))
                    return p
                """,
                "Did you apply the positive-test update to every result? For a negative the "
                "likelihoods are P(− | D) = 1 − sensitivity and P(− | healthy) = specificity.",
            ),
            WrongAnswer(
                """
                def prob_disease_after_tests(prevalence, sensitivity, specificity, results):
                    p = prevalence
                    for positive in results:
                        if positive:
                            like_sick, like_healthy = sensitivity, 1 - specificity
                        else:
                            like_sick, like_healthy = 1 - sensitivity, specificity
                        p = like_sick * prevalence / (
                            like_sick * prevalence + like_healthy * (1 - prevalence)
                        )
                    return p
                """,
                "Did you start every update from the prevalence? Then only the last result "
                "counts. The posterior after one test is the prior for the next: update `p`, "
                "not `prevalence`.",
            ),
        ],
    ),
    Exercise(
        id="01.04.6",
        title="A naive-Bayes spam filter that survives long messages",
        checks={"spam_probability": Function(cases=_SPAM_CASES, returns=Close(1e-9, 1e-12))},
        hints=[
            "Work with log-odds: log(prior / (1 − prior)) plus, for every word, "
            "log P(word | spam) − log P(word | ham). Sums of logarithms do not underflow.",
            "`log_odds = np.log(prior_spam) - np.log(1 - prior_spam) + "
            "np.sum(np.log(p_spam) - np.log(p_ham))`, then turn log-odds into a probability "
            "with the sigmoid `1 / (1 + np.exp(-log_odds))`.",
        ],
        solution="""
            def spam_probability(prior_spam, p_spam, p_ham):
                \"\"\"P(spam | words) under the naive-Bayes assumption, in log space.\"\"\"
                log_odds = np.log(prior_spam) - np.log(1 - prior_spam)
                log_odds += np.sum(np.log(p_spam) - np.log(p_ham))
                return 1 / (1 + np.exp(-log_odds))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def spam_probability(prior_spam, p_spam, p_ham):
                    spam = prior_spam * np.prod(p_spam)
                    ham = (1 - prior_spam) * np.prod(p_ham)
                    return spam / (spam + ham)
                """,
                "Did you multiply the word probabilities directly, or add their logarithms and "
                "then exponentiate each class's total? For a long message both totals come out "
                "as 0.0 and 0/0 is nan. Subtract the two log-probabilities first (the log-odds) "
                "and exponentiate only the difference.",
            ),
            WrongAnswer(
                """
                def spam_probability(prior_spam, p_spam, p_ham):
                    log_odds = np.sum(np.log(p_spam) - np.log(p_ham))
                    return 1 / (1 + np.exp(-log_odds))
                """,
                "Did you leave out the prior? Without log(prior / (1 − prior)) `{name}` assumes "
                "half of all mail is spam; a message with no telling words should get the prior.",
            ),
            WrongAnswer(
                """
                def spam_probability(prior_spam, p_spam, p_ham):
                    log_odds = np.log(prior_spam) - np.log(1 - prior_spam)
                    log_odds += np.sum(np.log(p_spam) - np.log(p_ham))
                    return np.exp(log_odds)
                """,
                "Did you return the odds? Odds o = P(spam) / P(ham) can exceed 1; the "
                "probability is o / (1 + o), the sigmoid of the log-odds.",
            ),
            WrongAnswer(
                """
                def spam_probability(prior_spam, p_spam, p_ham):
                    odds = prior_spam / (1 - prior_spam) * np.prod(p_spam / p_ham)
                    return odds / (1 + odds)
                """,
                "Did you compute the odds themselves, by multiplying the likelihood ratios or as "
                "exp(log-odds), and then o / (1 + o)? For a message with hundreds of spammy "
                "words the odds pass the float64 limit (about 1e308): o is inf and "
                "inf / (1 + inf) is nan. Keep to log-odds ℓ and return 1 / (1 + exp(−ℓ)).",
            ),
        ],
    ),
    Exercise(
        id="01.04.7",
        title="The maximum-likelihood rate when exposures differ",
        checks={"rate_mle": Function(cases=_RATE_CASES, returns=Close(1e-9, 1e-12))},
        hints=[
            "With count k_i observed over t_i hours, k_i ~ Poisson(λ t_i). The negative "
            "log-likelihood is Σ (λ t_i − k_i log(λ t_i)) + a constant; set its derivative "
            "with respect to λ to zero.",
            "The derivative is Σ t_i − Σ k_i / λ, which is zero at λ = Σ k_i / Σ t_i: "
            "`return counts.sum() / exposure.sum()`. Pool the counts; do not average the rates.",
        ],
        solution="""
            def rate_mle(counts, exposure):
                \"\"\"Maximum-likelihood rate per unit of exposure: pooled counts over pooled time.\"\"\"
                return counts.sum() / exposure.sum()
        """,
        wrong_answers=[
            WrongAnswer(
                "def rate_mle(counts, exposure):\n    return np.mean(counts / exposure)\n",
                "Did you average the rates k_i / t_i? That gives a one-hour observation as much "
                "weight as a ten-hour one; the likelihood pools them: Σ k_i / Σ t_i.",
            ),
            WrongAnswer(
                "def rate_mle(counts, exposure):\n    return np.mean(counts)\n",
                "Did you ignore the exposures? The mean count is the rate per observation, not "
                "per hour; it is the MLE only when every t_i is 1.",
            ),
            WrongAnswer(
                """
                from scipy.optimize import minimize_scalar

                def rate_mle(counts, exposure):
                    def nll(rate):
                        return -np.sum(stats.poisson.logpmf(counts, rate * exposure))

                    return minimize_scalar(nll, bounds=(1e-6, 100), method="bounded").x
                """,
                "Did you minimise the NLL numerically? The optimiser stops at its tolerance, "
                "about five digits here. Set the derivative to zero by hand instead: the "
                "minimum has a closed form.",
            ),
        ],
    ),
]
