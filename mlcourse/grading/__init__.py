"""Cohort grading without a database or containers: lift answers into a pristine notebook, run it
in a resource-limited kernel, and compare the values it reports against a pristine solved run.

``lift`` reads submissions, ``sandbox`` runs notebooks, ``capture`` (inside the kernel) reports
checked values in the safe format of ``codec``, ``gradebook`` scores and writes the results,
``grade`` ties them together; ``release`` writes a cohort copy without solutions and ``progress``
keeps a learner's own outcomes.
"""
