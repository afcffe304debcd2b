"""What the gazetteer costs a fresh worker: load time and memory on its first place search, then the time of
known and unknown names. Run: .venv/bin/python bench/gazetteer_bench.py (build the index first with
`manage.py build_gazetteer`, or the first search here includes building it)."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportfinder.settings.dev")

import django  # noqa: E402

django.setup()

from groups.core.geo import resolve_place  # noqa: E402


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    before, started = rss_mb(), time.perf_counter()
    resolve_place("Leeds")
    print(f"first place search: {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"RSS +{rss_mb() - before:.1f} MB ({rss_mb():.0f} MB in all)")
    for text in ["Leeds", "Newcastle", "Springfield, IL", "Leds", "Manchster", "Xqzzyplace", "Newcastel"]:
        repeats = 50
        started = time.perf_counter()
        for _ in range(repeats):
            found = resolve_place(text)
        elapsed = (time.perf_counter() - started) / repeats * 1000
        answer = found.place.label if found.place else "; ".join(found.suggestions) or "(nothing)"
        print(f"{text!r:20} {elapsed:6.2f} ms  {found.candidates_scored:5d} names compared  -> {answer}")


if __name__ == "__main__":
    main()
