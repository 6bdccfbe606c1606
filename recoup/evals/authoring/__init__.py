"""Authoring the shipped scenario corpus: the hand-written cases and the script
that turns them into scenario files (run once; the files are committed).

    python -m recoup.evals.authoring.build [--out DIR]
"""
