"""Peak memory of decoding one picture, before and after the decoding memory budget (issue 14,
§3: "a 143 KB PNG just under the pixel cap cost +450 MB").

Each case writes its picture to a file, then runs ``app.corpora.images.check_image`` (what
the ingestion worker, expert evidence and picture contributions call) in a fresh Python
process, once with the code of ``--before`` (a git revision, exported with ``git archive``
into a temp dir) and once with the working tree, and reports the growth of the process's
peak RSS (``ru_maxrss``) across the call, with the outcome (stored, or the refusal's code).
The pictures:

- ``png_7000``: the issue's case, a real 7,000 × 7,000 RGB PNG of about 143 KB;
- ``png_4000``: a 4,000 × 4,000 RGB PNG, under the default budget (48 MB decoded);
- ``jpeg_6000x4000``: a 24-megapixel JPEG photo.

    .venv/bin/python benchmarks/image_memory.py --before aa4ddd2

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in the child process: argv = [picture file]; prints {"bytes", "outcome",
# "peak_rss_growth_mb"}. The picture is read before the baseline is taken.
CHILD = r"""
import json, resource, sys
from app.corpora import images

with open(sys.argv[1], "rb") as f:
    data = f.read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    checked = images.check_image("bench", data)
    outcome = f"stored {checked.width}x{checked.height}"
except ValueError as exc:
    outcome = "refused: " + str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"bytes": len(data), "outcome": outcome,
                  "peak_rss_growth_mb": round((peak - base) / 1024, 1)}))
"""


def png_rows(side: int) -> bytes:
    """A real black RGB PNG of side × side pixels, compressed row by row (tiny on disk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * side)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def photo() -> bytes:
    """A 6,000 × 4,000 JPEG with a gradient (as a 24-megapixel camera makes)."""
    from PIL import Image

    buffer = io.BytesIO()
    gradient = Image.linear_gradient("L").resize((6000, 4000)).convert("RGB")
    gradient.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


CASES = {
    "png_7000": lambda: png_rows(7000),
    "png_4000": lambda: png_rows(4000),
    "jpeg_6000x4000": photo,
}


def _export(revision: str, into: Path) -> Path:
    """The ``app``, ``tasks``, ``quality`` and ``deid`` packages of a revision, in a temp dir."""
    archive = into / "before.tar"
    with archive.open("wb") as out:
        subprocess.run(  # noqa: S603
            ["git", "archive", revision, "app", "tasks", "quality", "deid"],  # noqa: S607
            cwd=ROOT,
            check=True,
            stdout=out,
        )
    target = into / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def _measure(code_root: Path, picture: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(code_root))
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, str(picture)],
        cwd=code_root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="git revision without the budget")
    args = parser.parse_args()
    results: dict[str, object] = {"before_revision": args.before}
    with tempfile.TemporaryDirectory() as tmp:
        before_root = _export(args.before, Path(tmp))
        for case, make in CASES.items():
            picture = Path(tmp) / case
            picture.write_bytes(make())
            row = {"before": _measure(before_root, picture), "after": _measure(ROOT, picture)}
            print(case, row, file=sys.stderr)
            results[case] = row
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
