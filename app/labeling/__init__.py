"""Labeling: the experts' workbench (the ``annotate`` blueprint), claiming a task under a lease,
answers, skips, and collected texts and pictures."""
