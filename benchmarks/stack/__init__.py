"""The shared set-up of the benchmarks that run against a live server (``claim_submit.py``,
``registration_flood.py``, ``release.py``): the processes (:mod:`.processes`), the HTTP client
(:mod:`.client`), the accounts, corpus and project they work on (:mod:`.fixtures`), and what
they report (:mod:`.report`). The claim benchmark's simulated experts are in :mod:`.experts`.

The scripts run as ``.venv/bin/python benchmarks/<name>.py``, so ``benchmarks/`` is first on
``sys.path`` and this package imports as ``stack``.
"""

from .client import HTTP_TIMEOUT, SETUP_TIMEOUT, Client
from .fixtures import (
    LABELS,
    OVERLAP,
    PASSWORD,
    create_project,
    import_corpus,
    make_accounts,
    uscc_check,
    write_corpus,
)
from .processes import (
    ROOT,
    S3_ACCESS,
    S3_SECRET,
    Stack,
    free_port,
    reset_postgres,
    start_consumer,
    start_stack,
    wait_http,
)
from .report import log, percentile, tree_cpu_seconds

__all__ = [
    "HTTP_TIMEOUT",
    "LABELS",
    "OVERLAP",
    "PASSWORD",
    "ROOT",
    "S3_ACCESS",
    "S3_SECRET",
    "SETUP_TIMEOUT",
    "Client",
    "Stack",
    "create_project",
    "free_port",
    "import_corpus",
    "log",
    "make_accounts",
    "percentile",
    "reset_postgres",
    "start_consumer",
    "start_stack",
    "tree_cpu_seconds",
    "uscc_check",
    "wait_http",
    "write_corpus",
]
