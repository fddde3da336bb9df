"""Every figure a notebook draws is shown: the solved run fails a cell that draws but shows no
image (as after library code called ``matplotlib.use("Agg")``)."""

import pytest

from mlcourse import notebook
from mlcourse.harness import figure_call, shows_image
from tests.conftest import ROOT
from tests.test_harness_catches_bad_specs import NOTEBOOK, run_suite_on_broken_copy


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("fig, ax = plt.subplots(figsize=(6, 3))\nax.plot(x, y)\nplt.show()", "plt.subplots"),
        ("ax.imshow(image, cmap='gray')", ".imshow"),
        ("df.plot(kind='bar')", ".plot"),
        ("axes[0].hist(values, bins=30)", ".hist"),
        ("sns.histplot(data=df, x='temp')", "sns.histplot"),
        ("# plt.plot(x)\ncounts = np.histogram(x)[0]", None),
        ("optimizer.step()\nloss.backward()", None),
        ("train.train_all(config)  # trains and saves the models", None),
    ],
)
def test_figure_call_finds_drawing_code(source, expected):
    assert figure_call(source) == expected


def test_shows_image_needs_an_image_output():
    figure = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<F>"}}
    text = {"output_type": "stream", "name": "stdout", "text": "done"}
    assert shows_image([text, figure])
    assert not shows_image([text])
    assert not shows_image([])


@pytest.mark.slow
def test_a_backend_switched_to_agg_fails_the_solved_run(tmp_path):
    setup_end = r"rng, ex = mlcourse.start(\"01.01\")"
    failed = run_suite_on_broken_copy(
        tmp_path,
        f'"{setup_end}"',
        f'"{setup_end}\\n",\n    "import matplotlib\\n",\n    "matplotlib.use(\\"Agg\\")"',
        file=NOTEBOOK,
        only=f"{NOTEBOOK}::solved",
    )
    print("\n".join(failed))
    drawing = [
        cell
        for cell in notebook.code_cells(notebook.read(ROOT / "modules" / "01-math" / NOTEBOOK))
        if figure_call(cell.source)
    ]
    figures = [f for f in failed if "draws a figure" in f and "matplotlib.use('Agg')" in f]
    assert len(drawing) >= 3 and len(figures) == len(drawing), failed
    assert len(failed) == len(figures), failed
