"""Every function a learner writes keeps its docstring in the skeleton: it is their specification.

`mlcourse release capstone` replaces the body of each function `capstone/milestones.py` lists and
keeps its signature and docstring, so the docstring is all a learner has to go on (with the
tests): what comes in, what goes out, the rule, the error on bad input. A listed function
without one, or with a one-line label, fails here.
"""

from __future__ import annotations

import ast

import pytest

from capstone.milestones import MILESTONES, split_name
from mlcourse import skeleton
from tests.conftest import ROOT

LISTED = [function for milestone in MILESTONES for function in milestone.functions]
MIN_WORDS = 20  # a summary line and at least a sentence on inputs, output or errors


@pytest.mark.parametrize("function", LISTED)
def test_every_listed_function_tells_the_learner_what_to_write(function):
    module, qualname = split_name(function)
    path = skeleton.module_file(ROOT, module)
    node = skeleton.find_function(ast.parse(path.read_text()), qualname, str(path))
    words = len((ast.get_docstring(node) or "").split())
    assert words >= MIN_WORDS, (
        f"{function}: its docstring has {words} words, expected at least {MIN_WORDS}; the "
        "skeleton keeps only the docstring, so say what to write: the inputs, the output, the "
        "rule and the error on bad input (without the code)"
    )
