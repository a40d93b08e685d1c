"""Run cachelint over real-world code and report crashes, the slowest file and peak memory.

    python scripts/crashcheck.py                      # every file of the stdlib and site-packages
    python scripts/crashcheck.py --sample 300 --seed 0

Files that do not mention Streamlit would stop at the text prefilter, so by default
each file is analysed as if it followed a cached function (``--no-force`` to run the
real prefilter). A crash is an exception out of the service or an STC901 finding (the
service turns an exception out of the engine into one).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from cachelint.service import Service
from cachelint.source import Unreadable, decode

PRELUDE = "import streamlit as st\n\n@st.cache_data\ndef cached(x):\n    return x\n\n"


@dataclass
class Report:
    files: int = 0
    analysed: int = 0
    crashes: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0

    @property
    def peak_mb(self) -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_roots() -> list[Path]:
    paths = sysconfig.get_paths()
    return sorted({Path(paths["stdlib"]), Path(paths["purelib"])})


def corpus(roots: list[Path], sample: int | None, seed: int) -> list[Path]:
    files = sorted(p for root in roots for p in root.rglob("*.py") if p.is_file())
    if sample is not None and sample < len(files):
        files = sorted(random.Random(seed).sample(files, sample))
    return files


def run(files: list[Path], force: bool = True, files_per_engine: int = 200) -> Report:
    report = Report()
    started = time.perf_counter()
    service = Service()
    for index, path in enumerate(files):
        if index % files_per_engine == 0:
            service = Service()  # a fresh engine now and then: what a long run keeps is bounded
        try:
            text = decode(path.read_bytes())
        except (OSError, Unreadable):
            text = None
        report.files += 1
        tick = time.perf_counter()
        try:
            if text is None:
                findings = service.analyse(path)
            else:
                findings = service.analyse(path, PRELUDE + text if force else text)
                report.analysed += 1
        except Exception as exc:  # noqa: BLE001 - this is what we are looking for
            report.crashes.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - tick
        report.slowest = max(report.slowest, (elapsed, str(path)))
        report.crashes += [f"{path}:{f.line}: {f.message}" for f in findings if f.code == "STC901"]
    report.seconds = time.perf_counter() - started
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", type=Path, help="folders to check (default: stdlib and site-packages)")
    parser.add_argument("--sample", type=int, help="check only this many files, chosen with --seed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-force", dest="force", action="store_false", help="keep the Streamlit text prefilter")
    args = parser.parse_args()
    report = run(corpus(args.roots or corpus_roots(), args.sample, args.seed), args.force)
    print(f"files: {report.files}, analysed: {report.analysed}, crashes: {len(report.crashes)}, "
          f"time: {report.seconds:.1f} s, slowest: {report.slowest[0]:.2f} s {report.slowest[1]}, "
          f"peak memory: {report.peak_mb:.0f} MB")
    for crash in report.crashes:
        print("CRASH", crash)
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
