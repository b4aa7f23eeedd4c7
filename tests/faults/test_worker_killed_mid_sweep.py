"""A Celery worker is killed (SIGKILL) in the middle of a supervision sweep, with one unit's batch written and
not committed: the batch is rolled back whole, and after a new worker's sweep every due step is taken exactly
once — no letter twice, no number twice or skipped, no event twice."""

import re
import subprocess

import pytest
from django.db import transaction
from django.utils import timezone

from clues.models import Clue, ClueEvent
from supervision.models import EscalationStep, Letter
from tests.processes import ROOT, RedisServer, celery, celery_worker, wait_for

from .conftest import assert_every_due_step_taken_once, backend_alive, lock_waiters

SWEEP = "supervision.tasks.supervision_sweep"


def worker_ready(worker):
    worker.assert_alive()
    return " ready." in worker.log(tail=0)


def queue_sweep(tmp_path, env):
    """What beat does every minute: put one supervision sweep on the queue."""
    call = celery("call", ["call", SWEEP], tmp_path, **env)
    result = subprocess.run(call.args, cwd=ROOT, env=call.env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sweep_killed_mid_batch_is_redone_by_the_next_worker_exactly_once(overdue_ladder, tmp_path):
    redis = RedisServer(tmp_path)
    env = {"REDIS_URL": redis.url, "SUPERVISION_SWEEP_BATCH": "1"}
    killed = celery_worker(tmp_path, name="worker-killed", concurrency=1, **env)
    second = celery_worker(tmp_path, name="worker-next", concurrency=1, **env)
    first_unit, second_unit = overdue_ladder.units[:2]
    try:
        redis.start()
        started = timezone.now()
        killed.start()
        assert wait_for(lambda: worker_ready(killed), 30, interval=0.3), killed.log()
        with transaction.atomic():
            # Hold a clue of the second unit: the sweep commits the first unit's batch and stops in the
            # second, its steps and rows written but not committed — where the kill comes.
            Clue.objects.select_for_update().get(pk=overdue_ladder.blocker.pk)
            queue_sweep(tmp_path, env)
            assert wait_for(lambda: lock_waiters() and Letter.objects.filter(unit=first_unit).exists(), 30), \
                killed.log()
            [orphan] = lock_waiters()  # the killed worker's connection, in its uncommitted batch
            killed.kill()
        # The server notices the client is gone once the lock is released, and rolls its transaction back.
        assert wait_for(lambda: not backend_alive(orphan), 30)

        assert EscalationStep.objects.filter(unit=first_unit, state="taken").exists()
        assert not Letter.objects.filter(unit=second_unit).exists()
        assert not ClueEvent.objects.filter(kind="escalated", clue__unit=second_unit).exists()
        assert overdue_ladder.due_steps(started).filter(unit=second_unit).exists()

        second.start()
        assert wait_for(lambda: worker_ready(second), 30, interval=0.3), second.log()
        queue_sweep(tmp_path, env)
        assert wait_for(lambda: re.search(rf"Task {SWEEP}\[[^]]+\] succeeded", second.log(tail=0)), 30,
                        interval=0.3), second.log()
    finally:
        killed.stop()
        second.stop()
        redis.stop()

    assert_every_due_step_taken_once(overdue_ladder, started)
    # Numbered without a gap: the number the killed batch had drawn was never committed, so it is used once.
    numbers = Letter.objects.order_by("sequence").values_list("sequence", flat=True)
    assert list(numbers) == list(range(1, len(numbers) + 1))
    assert {letter.unit_id for letter in Letter.objects.all()} == {unit.pk for unit in overdue_ladder.units}
