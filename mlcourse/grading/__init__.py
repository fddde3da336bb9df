"""Cohort grading without a database or a container runtime: lift answers into a pristine
notebook, run it in a resource-limited, sandboxed kernel, and judge the observations it reports
against a pristine solved run.

``lift`` reads submissions, ``sandbox`` runs notebooks under ``Limits``, ``confine`` starts each
submission's kernel in a bubblewrap sandbox over a released copy of the course, ``capture``
(inside the kernel) reports observations in the safe format of ``codec``, ``checks`` judges them
with the notebook's own ``mlcourse.exercise.judge``, ``gradebook`` scores and writes the results,
``grade`` ties them together. (``mlcourse.release``, a cohort copy without solutions, is not
grading.)
"""
