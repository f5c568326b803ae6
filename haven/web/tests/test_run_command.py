from haven.web.management.commands.run import _child_env, _worker_command


def test_workers_serve_both_queues_unless_matchers_are_separate():
    general = _worker_command(0, "celery,match")
    assert general[general.index("--queues") + 1] == "celery,match"
    assert "--beat" in general
    matcher = _worker_command(0, "match", role="matcher")
    assert matcher[matcher.index("--queues") + 1] == "match"
    assert "--beat" not in matcher  # only the first general worker schedules
    assert "matcher0@%h" in matcher


def test_links_in_emails_point_at_the_port_haven_runs_on_unless_the_operator_says(monkeypatch):
    monkeypatch.delenv("HAVEN_PUBLIC_BASE_URL", raising=False)
    assert _child_env({"host": "127.0.0.1", "port": 8077})["HAVEN_PUBLIC_BASE_URL"] == (
        "http://127.0.0.1:8077"
    )
    monkeypatch.setenv("HAVEN_PUBLIC_BASE_URL", "https://haven.example.org")
    env = _child_env({"host": "127.0.0.1", "port": 8077})
    assert env["HAVEN_PUBLIC_BASE_URL"] == "https://haven.example.org"
