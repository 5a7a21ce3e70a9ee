"""Speed of start-up and of extracting a 2-page CV on this machine: `python -m eval.bench_extraction`."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def main(repeats: int = 10) -> None:
    started = time.perf_counter()
    from extractor.pipeline import CompetenceExtractor
    from extractor.resources import load_resources

    extractor = CompetenceExtractor(load_resources())
    startup = time.perf_counter() - started
    figures: dict = {"startup_s": round(startup, 2)}
    for cv in sorted(EXAMPLES.glob("cv_*.txt")):
        text = cv.read_text(encoding="utf-8")
        two_pages = "\n\n".join([text, text])  # ~2 pages of CV text
        t = time.perf_counter()
        extractor.extract_text(two_pages)  # the first one: would show anything still loaded lazily
        figures.setdefault("first_extraction_s", round(time.perf_counter() - t, 3))
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            extractor.extract_text(two_pages)
            times.append(time.perf_counter() - t)
        figures[cv.stem] = {"words": len(two_pages.split()), "median_s": round(statistics.median(times), 3),
                            "max_s": round(max(times), 3)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
