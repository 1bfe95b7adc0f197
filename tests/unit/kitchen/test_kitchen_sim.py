"""Invariants of the kitchen firing simulation (bench/kitchen_sim.py) on a short, busy service.
Not its goals: those are benchmark figures, printed by `python -m bench.kitchen_sim`."""
import pytest

from bench import kitchen_sim as ks


@pytest.fixture(scope="module")
def service():
    return ks.run_all(seed=7, nights=2, hours=1.5, load=1.5, kitchen_scale=1, sigma=0.1, tolerance_s=30.0)


def runs_of(service, method):
    _, runs, _ = service
    if isinstance(runs[method], str):   # kitchen.sequencing not importable
        pytest.skip(runs[method])
    return runs[method]


@pytest.mark.parametrize("method", ks.METHODS)
def test_every_order_completes_within_capacity_and_prep(service, method):
    evenings, _, cooks = service
    for orders, run in zip(evenings, runs_of(service, method)):
        jobs = [j for o in orders for j in o.jobs]
        assert {j.id for j in jobs} == set(run.ready) == set(run.started)
        for j in jobs:
            assert run.started[j.id] >= j.ordered_at
            assert run.ready[j.id] >= j.ordered_at + j.actual_s - 1e-6
            assert run.ready[j.id] == pytest.approx(run.started[j.id] + j.actual_s)
        # items in progress per station, rebuilt from start/ready times (ready before start at equal times)
        events = sorted((t, d, j.station) for j in jobs
                        for t, d in ((run.started[j.id], 1), (run.ready[j.id], -1)))
        in_progress = dict.fromkeys(cooks, 0)
        for _, d, station in events:
            in_progress[station] += d
            assert in_progress[station] <= cooks[station]


def test_methods_do_the_same_work_and_the_kitchen_queues(service):
    evenings, runs, _ = service
    actual = sum(j.actual_s for orders in evenings for o in orders for j in o.jobs)
    for method in ks.METHODS:
        if not isinstance(runs[method], str):
            assert sum(sum(r.busy_s.values()) for r in runs[method]) == pytest.approx(actual)
    fifo = runs["fifo"]
    waits = [r.started[j.id] - j.ordered_at for orders, r in zip(evenings, fifo) for o in orders for j in o.jobs]
    assert max(waits) > 600   # load is high enough that items queue
    assert sum(len(orders) for orders in evenings) >= 10


def test_same_seed_same_service():
    a = ks.run_all(seed=3, nights=1, hours=1.0, load=1.0, kitchen_scale=1, sigma=0.1, tolerance_s=30.0,
                   methods=("fifo",))
    b = ks.run_all(seed=3, nights=1, hours=1.0, load=1.0, kitchen_scale=1, sigma=0.1, tolerance_s=30.0,
                   methods=("fifo",))
    assert a[0] == b[0] and a[1]["fifo"][0].ready == b[1]["fifo"][0].ready
