"""Cohort grading without a database or containers: lift answers into a pristine notebook, run it
in a resource-limited kernel, and judge the observations it reports against a pristine solved run.

``lift`` reads submissions, ``sandbox`` runs notebooks under ``Limits``, ``capture`` (inside the
kernel) reports observations in the safe format of ``codec``, ``checks`` judges them with the
notebook's own ``mlcourse.exercise.judge``, ``gradebook`` scores and writes the results, ``grade``
ties them together. (``mlcourse.release``, a cohort copy without solutions, is not grading.)
"""
