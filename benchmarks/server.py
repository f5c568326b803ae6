"""Starting and stopping a real Haven server for the benchmarks: `haven run` on a free
port of 127.0.0.1, with its own environment and data folder."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def haven(env, *args, code=None) -> str:
    """Run a `haven` command (a management command) and return what it printed."""
    cmd = [str(BIN / "haven"), *args] + (["-c", code] if code else [])
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def wait_ready(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not start")


def start_server(env, data_dir: Path, run_args: list[str]) -> tuple[subprocess.Popen, int]:
    """`haven run <run_args>` on a free port; its output goes to data_dir/server.log."""
    port = free_port()
    with (data_dir / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [str(BIN / "haven"), "run", "--port", str(port), *run_args],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_ready(port)
    except RuntimeError:
        print((data_dir / "server.log").read_text(errors="replace")[-3000:])
        os.killpg(server.pid, signal.SIGKILL)
        raise
    return server, port


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def postgres_database(base_url: str, prefix: str = "haven_bench") -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database beside `base_url`'s: its URL, and a function that
    drops it (forcing off any connection left)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(base_url, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()

    return base_url.rsplit("/", 1)[0] + "/" + name, drop
