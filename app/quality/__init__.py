"""Quality: reports for vendors, auditors and experts (the ``reports`` blueprint): figures,
the per-item table, charts, CSV export, printable page; and the job that computes them."""
