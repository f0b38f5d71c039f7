"""Quality reports for vendors and auditors: figures, charts, CSV export, printable page."""
