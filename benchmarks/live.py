"""The real app, served by ``streamlit run`` on a local port, for Chromium to drive.

Shared by the benchmark (``benchmarks/step.py``) and the browser tests'
session fixtures (``tests/conftest.py``): the Chromium launch arguments, a
free-port finder, and starting, waiting for and stopping a Streamlit server.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 60.0
HEALTH_POLL_S = 0.1
SHUTDOWN_TIMEOUT_S = 10.0
# how much of a server's output an error message quotes
LOG_TAIL_CHARS = 3000
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
STREAMLIT_FLAGS = (
    "--server.headless",
    "true",
    "--server.fileWatcherType",
    "none",
    "--browser.gatherUsageStats",
    "false",
)


class ServerError(RuntimeError):
    """A Streamlit server exited or did not become healthy in time."""


@dataclass(frozen=True)
class Server:
    """A ``streamlit run`` process serving one script on a local port.

    Attributes
    ----------
    url : str
        The server's base address, ``http://127.0.0.1:<port>``.
    process : subprocess.Popen
        The ``streamlit run`` process.
    script : str
        The script served, as given to ``streamlit run``.
    log : Path
        The file that takes the server's stdout and stderr.
    started : float
        ``time.monotonic()`` when the process was started.
    """

    url: str
    process: subprocess.Popen
    script: str
    log: Path
    started: float

    def output(self, chars: int = LOG_TAIL_CHARS) -> str:
        """The last ``chars`` characters the server has written.

        Parameters
        ----------
        chars : int
            How many characters, from the end of the log.

        Returns
        -------
        str
            The tail of the log, undecodable bytes replaced.
        """
        return self.log.read_text(errors="replace")[-chars:]


def free_port() -> int:
    """A TCP port on the loopback address that is free at the time of asking.

    Returns
    -------
    int
        The port number the operating system handed out.
    """
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(
    script: str,
    *,
    cwd: Path,
    log_dir: Path | None = None,
    port: int | None = None,
    name: str | None = None,
    flags: Sequence[str] = (),
) -> Server:
    """Start ``python -m streamlit run script``, headless, on a local port.

    Does not wait for the server to answer; see `wait_healthy`.

    Parameters
    ----------
    script : str
        The script to serve, relative to ``cwd`` or absolute.
    cwd : Path
        The server's working directory (the repo root, so that
        ``.streamlit/config.toml`` applies).
    log_dir : Path, optional
        The folder of the log ``<name>.log``, which takes stdout and
        stderr. By default a new temporary folder, left in place.
    port : int, optional
        The port; by default a free one (`free_port`).
    name : str, optional
        The log's name without ``.log``; by default the script's stem, so two
        servers of one script in one folder need names of their own.
    flags : sequence of str
        More command-line options for ``streamlit run``, after the defaults.

    Returns
    -------
    Server
        The started server.
    """
    port = free_port() if port is None else port
    if log_dir is None:
        log_dir = Path(tempfile.mkdtemp(prefix="streamlit-"))
    log = log_dir / f"{name or Path(script).stem}.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.port", str(port),
        "--server.address", HOST,
        *STREAMLIT_FLAGS,
        *flags,
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    return Server(
        url=f"http://{HOST}:{port}",
        process=proc,
        script=script,
        log=log,
        started=time.monotonic(),
    )


def wait_healthy(server: Server, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok``.

    Parameters
    ----------
    server : Server
        The server to wait for.
    timeout : float
        Seconds to wait, from the call; the health is asked at least once.

    Raises
    ------
    ServerError
        If the process exits first or ``timeout`` passes; the message quotes
        the server's output.
    """
    deadline = time.monotonic() + timeout
    while True:
        code = server.process.poll()
        if code is not None:
            raise ServerError(f"{server.script}: streamlit exited with {code}:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() >= deadline:
            break
        time.sleep(HEALTH_POLL_S)
    age = time.monotonic() - server.started
    raise ServerError(
        f"{server.script}: streamlit not healthy {age:.0f} s after its start:\n{server.output()}"
    )


def stop_server(server: Server) -> None:
    """Terminate the server, and kill it if it has not exited within a while.

    Parameters
    ----------
    server : Server
        The server to stop; one that has already exited is left as it is.
    """
    server.process.terminate()
    try:
        server.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=SHUTDOWN_TIMEOUT_S)


@contextmanager
def serving(
    *scripts: str,
    cwd: Path = ROOT,
    log_dir: Path | None = None,
    timeout: float = STARTUP_TIMEOUT_S,
) -> Iterator[tuple[Server, ...]]:
    """Serve every script at once, healthy; stop them all on leaving, also on an error.

    Parameters
    ----------
    *scripts : str
        The scripts to serve, one server each.
    cwd : Path
        The servers' working directory; by default the repo root.
    log_dir : Path, optional
        The folder of the servers' logs; by default a temporary folder,
        removed on leaving.
    timeout : float
        Seconds for all the servers together to become healthy.

    Yields
    ------
    tuple of Server
        The servers, in the order of ``scripts``.

    Raises
    ------
    ServerError
        If a server exits or is not healthy in time.
    """
    with ExitStack() as stack:
        if log_dir is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="streamlit-"))
            log_dir = Path(tmp)
        started = []
        for script in scripts:
            server = start_server(script, cwd=cwd, log_dir=log_dir)
            stack.callback(stop_server, server)
            started.append(server)
        deadline = time.monotonic() + timeout
        for server in started:
            wait_healthy(server, max(0.0, deadline - time.monotonic()))
        yield tuple(started)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (RSS), through psutil.

    Parameters
    ----------
    pid : int
        The process.

    Returns
    -------
    int
        Bytes resident in memory.

    Examples
    --------
    >>> import os
    >>> rss_bytes(os.getpid()) > 0
    True
    """
    # psutil is a development requirement: deploy/run uses this module's server
    # helpers on a machine with the app's requirements only
    import psutil

    return int(psutil.Process(pid).memory_info().rss)


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far, user and system, in seconds (through psutil).

    Parameters
    ----------
    pid : int
        The process.

    Returns
    -------
    float
        User plus system seconds, its own threads included, children not.

    Examples
    --------
    >>> import os
    >>> cpu_seconds(os.getpid()) > 0
    True
    """
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def browser_cpu_seconds() -> float:
    """CPU time used so far by every Chromium process this process started (through Playwright).

    The browser's own process, its renderers, its GPU process and its utilities: all of the
    work that a page's steps cost the reader's machine.

    Examples
    --------
    >>> browser_cpu_seconds() >= 0
    True
    """
    import psutil

    total = 0.0
    for process in psutil.Process().children(recursive=True):
        try:
            if "chrom" in process.name():
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:  # a renderer that ended in between
            continue
    return total
