"""Invariants of the kitchen firing simulation (bench/kitchen_sim.py) on a short, busy service.
Not its goals: those are benchmark figures, printed by `python -m bench.kitchen_sim`."""
import math

import pytest

from bench import kitchen_sim as ks


@pytest.fixture(scope="module")
def service():
    # A third of the default arrivals for 1.5 h, in a kitchen staffed for a peak-hour load per cook
    # of 1.3 (understaffed by the rule's standard, so that it queues).
    return ks.run_all(seed=7, hours=1.5, load=1 / 3, sigma=0.1, tolerance_s=30.0, util_target=1.3)


def runs_of(service, method):
    _, runs, _ = service
    if isinstance(runs[method], str):   # kitchen.sequencing not importable
        pytest.skip(runs[method])
    return runs[method]


@pytest.mark.parametrize("method", ks.METHODS)
def test_every_order_completes_within_capacity_and_prep(service, method):
    orders, _, cooks = service
    for run in (runs_of(service, method),):
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
    orders, runs, _ = service
    actual = sum(j.actual_s for o in orders for j in o.jobs)
    for method in ks.METHODS:
        if not isinstance(runs[method], str):
            assert sum(runs[method].busy_s.values()) == pytest.approx(actual)
    fifo = runs["fifo"]
    waits = [fifo.started[j.id] - j.ordered_at for o in orders for j in o.jobs]
    assert max(waits) > 600   # load is high enough that items queue
    assert len(orders) >= 20


def test_the_default_service_and_the_staffing_rule():
    orders, _, cooks = ks.run_all(seed=1, methods=())
    assert 150 <= len(orders) <= 220          # one 3-hour service of 150+ orders
    hourly = [sum(w * 3600 <= o.at < (w + 1) * 3600 for o in orders) for w in range(3)]
    assert max(hourly) > 1.3 * min(hourly)    # with peaks
    offered = ks.offered_peak_hour(orders, 3.0)
    assert set(cooks) == set(offered) == {"wok", "grill", "cold", "bar"}
    for s, c in cooks.items():               # the fewest cooks keeping the peak hour at <= 0.85 each
        assert offered[s] / c <= ks.UTIL_TARGET
        assert c == 1 or offered[s] / (c - 1) > ks.UTIL_TARGET
    assert cooks == ks.staff(orders, 3.0) and math.ceil(offered["wok"] / 0.85) == cooks["wok"]


def test_same_seed_same_service():
    a = ks.run_all(seed=3, hours=1.0, load=0.3, sigma=0.1, tolerance_s=30.0, methods=("fifo",))
    b = ks.run_all(seed=3, hours=1.0, load=0.3, sigma=0.1, tolerance_s=30.0, methods=("fifo",))
    assert a[0] == b[0] and a[2] == b[2] and a[1]["fifo"].ready == b[1]["fifo"].ready


def test_ours_learning_plans_with_the_servers_estimate_of_the_measured_times(monkeypatch):
    """Context "menu prep times off per dish": at every plan, ours-learn gives each item the prep time
    the server would (kitchen.planner.replan): prep_learning.estimate over the dish's last `window`
    start-to-bump seconds so far, newest first, else the menu's; and it does learn the biased dishes."""
    from kitchen import prep_learning, sequencing
    calls, plan = [], sequencing.plan

    def recording_plan(now, cooks, items, **kw):
        calls.append((now - ks.EPOCH, {i.id: i.prep_s for i in items}))
        return plan(now, cooks, items, **kw)

    monkeypatch.setattr(sequencing, "plan", recording_plan)
    window, min_samples = 8, 4   # smaller than the server's 20 and 5: this short service fills the window
    orders, runs, _, bias = ks.run_menu_bias(seed=7, hours=1.5, load=1 / 3, util_target=1.3, bias_sigma=0.4,
                                             learn=(window, min_samples), methods=("ours-learn",))
    run = runs["ours-learn"]
    if isinstance(run, str):
        pytest.skip(run)
    plain = ks.make_evening(ks.random.Random(7), ks.load_menu(), hours=1.5, load=1 / 3, sigma=0.1)
    assert [j.actual_s * bias[j.name] for o in plain for j in o.jobs] == [j.actual_s for o in orders for j in o.jobs]
    jobs = {j.id: j for o in orders for j in o.jobs}
    by_dish = {}
    for j in jobs.values():   # each dish's measurements, newest first (as ORDER BY ready_at, id DESC)
        by_dish.setdefault(j.name, []).append((run.ready[j.id], j.id, round(run.ready[j.id] - run.started[j.id])))
    for hist in by_dish.values():
        hist.sort(reverse=True)

    def server_prep(j, now):
        recent = [v for ready, _, v in by_dish[j.name] if ready <= now + 1e-3][:window]
        est = prep_learning.estimate(recent, min_samples).seconds
        return j.prep_s if est is None else prep_learning.expected_prep(j.prep_s, 0, est)

    learned_off_menu = set()
    for now, preps in calls:
        for i, prep in preps.items():
            assert prep == server_prep(jobs[i], now), (now, jobs[i].name)
            if abs(prep / jobs[i].prep_s - 1) > 0.15:
                learned_off_menu.add(jobs[i].name)
    assert len(calls) == run.plan_calls
    assert max(len(h) for h in by_dish.values()) > 2 * window   # the window slides
    assert {d for d in bias if abs(bias[d] - 1) > 0.3 and len(by_dish.get(d, ())) >= 3 * min_samples} <= learned_off_menu
    assert len(learned_off_menu) >= 3
