from haven.web.management.commands.run import _worker_command


def test_workers_serve_both_queues_unless_matchers_are_separate():
    general = _worker_command(0, "celery,match")
    assert general[general.index("--queues") + 1] == "celery,match"
    assert "--beat" in general
    matcher = _worker_command(0, "match", role="matcher")
    assert matcher[matcher.index("--queues") + 1] == "match"
    assert "--beat" not in matcher  # only the first general worker schedules
    assert "matcher0@%h" in matcher
