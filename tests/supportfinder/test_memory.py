"""A worker gives freed memory back to the system (supportfinder.memory)."""

import gc
import os
import pathlib
import subprocess
import sys
import weakref

import pytest
from django.core.signals import request_finished

from groups.directory import facet_index
from supportfinder import memory

PROJECT = pathlib.Path(__file__).resolve().parents[2]


class FakeLibc:
    def __init__(self, process):
        self.process, self.trims, self.options = process, 0, []

    def malloc_trim(self, pad):
        self.trims += 1
        self.process["rss"] = self.process["kept"]

    def mallopt(self, parameter, value):
        self.options.append((parameter, value))


def finish_request():
    """What the end of a request runs of this module: its receiver, when configure() connected it (sending the
    signal itself would also run Django's own receivers, which reach the database)."""
    uid = "supportfinder.memory.trim_after_growth"
    if any(lookup_key[0] == uid for lookup_key, *_rest in request_finished.receivers):
        memory.trim_after_growth()


@pytest.fixture
def process(monkeypatch, settings):
    """A process whose RSS the test sets: 'rss' now, 'kept' what a trim leaves."""
    state = {"rss": 100, "kept": 100}
    libc = FakeLibc(state)
    monkeypatch.setattr(memory, "_LIBC", libc)
    monkeypatch.setattr(memory, "rss_bytes", lambda: state["rss"])
    monkeypatch.setitem(memory._trimmed_at, "rss", 0)
    settings.MALLOC_MMAP_THRESHOLD_BYTES = 131072
    settings.MALLOC_TRIM_GROWTH_BYTES = 10
    yield state, libc
    request_finished.disconnect(dispatch_uid="supportfinder.memory.trim_after_growth")


def test_configure_fixes_the_mmap_threshold_and_trims_after_requests_that_grew_it(process):
    state, libc = process
    assert memory.configure() is True
    assert libc.options == [(memory.M_MMAP_THRESHOLD, 131072)]
    state["rss"] = 105  # less than the growth setting: no trim
    finish_request()
    assert libc.trims == 0
    state.update(rss=115, kept=103)
    finish_request()
    assert libc.trims == 1 and state["rss"] == 103
    state["rss"] = 110  # growth counted from what the trim left
    finish_request()
    assert libc.trims == 1


def test_growth_counts_from_the_lowest_rss_seen_since_the_last_trim(process):
    state, libc = process
    memory.configure()
    state["rss"] = 80  # memory freed (an evicted order's own mapping): the new starting point
    finish_request()
    state["rss"] = 92
    finish_request()
    assert libc.trims == 1


def test_zero_turns_both_off(process, settings):
    state, libc = process
    settings.MALLOC_MMAP_THRESHOLD_BYTES = 0
    settings.MALLOC_TRIM_GROWTH_BYTES = 0
    memory.configure()
    state["rss"] = 10_000
    finish_request()
    assert libc.options == [] and libc.trims == 0


def test_without_glibc_nothing_is_configured(process, monkeypatch):
    state, libc = process
    monkeypatch.setattr(memory, "_LIBC", None)
    assert memory.configure() is False
    state["rss"] = 10_000
    finish_request()
    assert libc.trims == 0


def test_the_real_process_reads_its_rss():
    assert memory.rss_bytes.__module__ == "supportfinder.memory"
    assert memory.rss_bytes() > 10 * 2**20


@pytest.fixture
def collector():
    """Python's collector put back as it was: nothing frozen."""
    yield
    gc.unfreeze()


class Node:
    pass


def test_a_rebuild_of_the_index_frees_what_the_old_one_kept_in_cycles_after_a_freeze(collector):
    old = Node()
    old.itself = old  # kept alive by a cycle only, as a structure of the old index may be
    gone = weakref.ref(old)
    assert memory.freeze_survivors() > 0
    del old
    gc.collect()
    assert gone() is not None  # frozen: out of the collector's reach
    facet_index.release_memory()  # what every build of the index ends with
    assert gone() is None
    assert gc.get_freeze_count() > 0  # and what is alive now is frozen in turn


def test_without_a_freeze_a_rebuild_freezes_nothing(collector):
    facet_index.release_memory()
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(("setting", "frozen"), [("True", True), ("False", False)])
def test_a_worker_freezes_what_it_keeps_once_it_is_ready_unless_told_not_to(setting, frozen):
    """wsgi.py, as gunicorn loads it in each worker (its warm-up off: it needs a database with tables)."""
    environment = dict(os.environ, WARM_UP="0", GC_FREEZE=setting, DJANGO_SETTINGS_MODULE="supportfinder.settings.test")
    code = "import gc, supportfinder.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                            cwd=PROJECT, check=True)
    assert (int(result.stdout.split()[-1]) > 0) is frozen
