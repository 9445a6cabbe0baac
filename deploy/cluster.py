"""Replicas of the atlas behind nginx on this machine: ``deploy/run --replicas N --port P``.

Starts ``N`` replicas of ``streamlit run app.py`` on free loopback ports and
Debian's ``nginx`` in front of them, as an unprivileged process with its
configuration, pid file, logs and temporary files in a folder of its own
(``nginx -p <folder> -c nginx.conf``). The configuration is
``deploy/nginx.conf.template`` with its ``{{...}}`` fields filled in: sticky
routing by a cookie hashed onto the replicas, WebSocket proxying, security
headers, and no public ``/_stcore/metrics``.

``deploy/run --render --upstream HOST:PORT ...`` prints the
configuration for other upstreams (containers, other hosts) and starts nothing.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from benchmarks import live

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
APP = "app.py"
COOKIE = "atlas_route"
DEFAULT_REPLICAS = 2
DEFAULT_PORT = 8080
DEFAULT_LISTEN = "127.0.0.1"
# where the atlas may be embedded in a frame: its own pages; add a school's site with
# --frame-ancestors "'self' https://school.example"
DEFAULT_FRAME_ANCESTORS = "'self'"
# Streamlit's frontend and streamlit-folium's iframe run inline scripts and styles and
# build functions from strings; everything else comes from the app's own origin
CSP_SOURCES = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
NGINX_TIMEOUT_S = 15.0
POLL_S = 0.1
# nginx drops to this user when started by root
UNPRIVILEGED_USER = "nobody"
STREAM_PATH = "/_stcore/stream"
_LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) \d+ '
    r"upstream=(?P<upstream>.+?) route=(?P<route>\S+)"
)


class ClusterError(RuntimeError):
    """nginx or a replica did not start, or the configuration does not pass ``nginx -t``."""


@dataclass(frozen=True)
class Cluster:
    """nginx on ``url`` in front of named replicas.

    Attributes
    ----------
    url : str
        nginx's address, ``http://127.0.0.1:<port>``.
    replicas : dict of str to live.Server
        The replicas by the name nginx gives them in ``X-Upstream``.
    nginx : subprocess.Popen
        The nginx master process (run in the foreground).
    prefix : Path
        nginx's folder: ``nginx.conf``, ``access.log``, ``error.log``, the
        replicas' logs.
    """

    url: str
    replicas: dict[str, live.Server]
    nginx: subprocess.Popen
    prefix: Path

    @property
    def access_log(self) -> Path:
        """The access log of nginx, one line per request with its upstream and route key."""
        return self.prefix / "access.log"

    def name_of(self, address: str) -> str | None:
        """The replica listening on ``address`` (``host:port``), or None."""
        for name, server in self.replicas.items():
            if server.url.removeprefix("http://") == address:
                return name
        return None

    def sessions(self) -> Counter[str]:
        """WebSocket sessions (``/_stcore/stream`` upgraded) per replica, from the access log.

        nginx logs a WebSocket when it closes, so a session still open is not
        counted yet.
        """
        counts: Counter[str] = Counter()
        for entry in read_access_log(self.access_log):
            if entry["path"] == STREAM_PATH and entry["status"] == "101":
                counts[self.name_of(entry["upstream"]) or entry["upstream"]] += 1
        return counts

    def routes(self) -> dict[str, set[str]]:
        """For each route key, the replicas that answered its requests (sticky: one each)."""
        seen: dict[str, set[str]] = defaultdict(set)
        for entry in read_access_log(self.access_log):
            if entry["upstream"] != "-":
                # a request tried on more than one replica lists each; the last one answered
                last = entry["upstream"].split(", ")[-1]
                seen[entry["route"]].add(self.name_of(last) or last)
        return dict(seen)

    def retried(self) -> int:
        """Requests nginx tried on more than one replica."""
        return sum(", " in e["upstream"] for e in read_access_log(self.access_log))


def read_access_log(path: Path) -> list[dict[str, str]]:
    r"""The requests in an access log of the ``routed`` format, as dicts of their fields.

    Parameters
    ----------
    path : Path
        The log; a missing one has no requests.

    Returns
    -------
    list of dict
        ``method``, ``path``, ``status``, ``upstream`` and ``route`` of each line.

    Examples
    --------
    >>> log = Path(tempfile.mkdtemp()) / "access.log"
    >>> _ = log.write_text('127.0.0.1 [1/Jan/2026:00:00:00 +0000] "GET /_stcore/stream '
    ...     'HTTP/1.1" 101 5 upstream=127.0.0.1:9 route=ab rt=1.0\n')
    >>> [(e["path"], e["status"], e["upstream"]) for e in read_access_log(log)]
    [('/_stcore/stream', '101', '127.0.0.1:9')]
    """
    if not path.exists():
        return []
    found = (_LOG_LINE.search(line) for line in path.read_text(errors="replace").splitlines())
    return [m.groupdict() for m in found if m]


def content_security_policy(frame_ancestors: str = DEFAULT_FRAME_ANCESTORS) -> str:
    """The ``Content-Security-Policy`` nginx sends, embeddable by ``frame_ancestors``.

    Parameters
    ----------
    frame_ancestors : str
        The sources allowed to frame the atlas, as CSP writes them.

    Returns
    -------
    str
        The policy.

    Examples
    --------
    >>> content_security_policy("'self' https://school.example").split("; ")[-1]
    "frame-ancestors 'self' https://school.example"
    """
    if not frame_ancestors.strip() or any(c in frame_ancestors for c in ';",\n'):
        raise ValueError(f"not a list of CSP sources: {frame_ancestors!r}")
    return "; ".join((*CSP_SOURCES, f"frame-ancestors {frame_ancestors.strip()}"))


def render(
    upstreams: Sequence[tuple[str, str]],
    listen: str,
    *,
    frame_ancestors: str = DEFAULT_FRAME_ANCESTORS,
    secure_cookie: bool = False,
) -> str:
    """``deploy/nginx.conf.template`` with its fields filled in.

    Parameters
    ----------
    upstreams : sequence of (str, str)
        Each replica's name (sent in ``X-Upstream``) and address ``host:port``.
    listen : str
        What nginx listens on, as its ``listen`` directive takes it
        (``127.0.0.1:8080``).
    frame_ancestors : str
        The sources allowed to frame the atlas.
    secure_cookie : bool
        Mark the route cookie ``Secure``, for a site served over HTTPS.

    Returns
    -------
    str
        The configuration.

    Examples
    --------
    >>> conf = render([("replica-1", "127.0.0.1:9001"), ("replica-2", "127.0.0.1:9002")],
    ...     "127.0.0.1:8080")
    >>> "server 127.0.0.1:9002" in conf, "hash $route_key consistent;" in conf, "{{CSP}}" in conf
    (True, True, False)
    """
    if len(upstreams) < 1:
        raise ValueError("no upstream")
    for name, address in upstreams:
        if not re.fullmatch(r"[\w.-]+", name) or not re.fullmatch(r"[\w.\[\]:-]+", address):
            raise ValueError(f"not a replica name and address: {name!r} {address!r}")
    fields = {
        "COOKIE": COOKIE,
        "COOKIE_SECURE": "; Secure" if secure_cookie else "",
        "LISTEN": listen,
        "CSP": content_security_policy(frame_ancestors),
        "UPSTREAM_SERVERS": "\n".join(
            f"        server {address} max_fails=0;" for _, address in upstreams
        ),
        "UPSTREAM_NAMES": "\n".join(f'        "{address}" {name};' for name, address in upstreams),
    }
    text = TEMPLATE.read_text()
    for key, value in fields.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise ValueError(f"fields not filled in: {left}")
    return text


def nginx_binary() -> str | None:
    """The nginx program, on the PATH or where Debian puts it; None if not installed."""
    found = shutil.which("nginx")
    if found is None and Path("/usr/sbin/nginx").is_file():
        found = "/usr/sbin/nginx"
    return found


def _as_unprivileged() -> dict[str, object]:
    # Popen arguments that drop root for nginx; none when not root
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(UNPRIVILEGED_USER)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def write_prefix(prefix: Path, conf_text: str) -> Path:
    """Lay out nginx's folder ``prefix`` with ``conf_text`` as ``nginx.conf``; return its path.

    When run by root the folder is handed to the unprivileged user nginx runs as.
    """
    for sub in ("tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    drop = _as_unprivileged()
    if drop:
        for path in [prefix, *prefix.rglob("*")]:
            os.chown(path, drop["user"], drop["group"])  # type: ignore[arg-type]
    return conf


def _nginx_cmd(prefix: Path, conf: Path, *extra: str) -> list[str]:
    binary = nginx_binary()
    if binary is None:
        raise ClusterError("nginx is not installed (apt-get install nginx)")
    # -e: the error log from the start, before the configuration is read
    return [binary, "-p", f"{prefix}/", "-c", str(conf), "-e", str(prefix / "error.log"), *extra]


def check_config(prefix: Path, conf: Path) -> subprocess.CompletedProcess:
    """Run ``nginx -t`` on ``conf`` with ``prefix``, as the user nginx runs as.

    Returns
    -------
    subprocess.CompletedProcess
        The finished check; its ``stderr`` holds nginx's verdict.
    """
    return subprocess.run(
        _nginx_cmd(prefix, conf, "-t"),
        capture_output=True,
        text=True,
        timeout=NGINX_TIMEOUT_S,
        check=False,
        **_as_unprivileged(),  # type: ignore[arg-type]
    )


def _wait_proxy(url: str, nginx: subprocess.Popen, prefix: Path) -> None:
    deadline = time.monotonic() + NGINX_TIMEOUT_S
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(POLL_S)
    log = prefix / "error.log"
    tail = log.read_text(errors="replace")[-live.LOG_TAIL_CHARS :] if log.exists() else ""
    raise ClusterError(f"nginx at {url} did not answer its health check:\n{tail}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=live.SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=live.SHUTDOWN_TIMEOUT_S)


@contextmanager
def cluster(
    replicas: int = DEFAULT_REPLICAS,
    port: int | None = None,
    *,
    listen: str = DEFAULT_LISTEN,
    frame_ancestors: str = DEFAULT_FRAME_ANCESTORS,
    keep: bool = False,
) -> Iterator[Cluster]:
    """Serve ``replicas`` replicas of the atlas behind nginx; stop all on leaving.

    Parameters
    ----------
    replicas : int
        How many ``streamlit run app.py`` processes, each on a free loopback port.
    port : int, optional
        nginx's port; by default a free one.
    listen : str
        nginx's address: loopback unless told otherwise.
    frame_ancestors : str
        The sources allowed to frame the atlas (the CSP's ``frame-ancestors``).
    keep : bool
        Leave nginx's folder, with the logs, in place on leaving.

    Yields
    ------
    Cluster
        nginx and the replicas, healthy.

    Raises
    ------
    ClusterError
        If the configuration fails ``nginx -t``, or nginx does not answer.
    live.ServerError
        If a replica exits or is not healthy in time.
    """
    if replicas < 1:
        raise ValueError("at least one replica")
    # the static folder is written before the replicas start, as the README's command does,
    # so that none warns that it is missing
    subprocess.run(
        [sys.executable, "-m", "geo", "static"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    with ExitStack() as stack:
        # its own folder under the system's temporary one, which nginx's user can reach
        prefix = Path(tempfile.mkdtemp(prefix="atlas-nginx-"))
        if not keep:
            stack.callback(shutil.rmtree, prefix, ignore_errors=True)
        servers = {}
        for i in range(1, replicas + 1):
            name = f"replica-{i}"
            server = live.start_server(APP, cwd=ROOT, log_dir=prefix, name=name)
            stack.callback(live.stop_server, server)
            servers[name] = server
        deadline = time.monotonic() + live.STARTUP_TIMEOUT_S
        for server in servers.values():
            live.wait_healthy(server, max(0.0, deadline - time.monotonic()))
        port = live.free_port() if port is None else port
        upstreams = [(n, s.url.removeprefix("http://")) for n, s in servers.items()]
        conf = write_prefix(
            prefix, render(upstreams, f"{listen}:{port}", frame_ancestors=frame_ancestors)
        )
        checked = check_config(prefix, conf)
        if checked.returncode != 0:
            raise ClusterError(f"nginx -t failed:\n{checked.stderr}")
        nginx = subprocess.Popen(
            _nginx_cmd(prefix, conf, "-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_as_unprivileged(),  # type: ignore[arg-type]
        )
        stack.callback(_stop, nginx)
        host = "127.0.0.1" if listen in ("0.0.0.0", "*") else listen
        url = f"http://{host}:{port}"
        _wait_proxy(url, nginx, prefix)
        yield Cluster(url=url, replicas=servers, nginx=nginx, prefix=prefix)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deploy/run", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--replicas", type=int, default=DEFAULT_REPLICAS)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="nginx's port")
    parser.add_argument(
        "--listen", default=DEFAULT_LISTEN, help="nginx's address (loopback by default)"
    )
    parser.add_argument(
        "--frame-ancestors",
        default=DEFAULT_FRAME_ANCESTORS,
        help="sites allowed to embed the atlas in a frame, as CSP sources",
    )
    parser.add_argument("--keep", action="store_true", help="keep nginx's folder and logs")
    parser.add_argument(
        "--render",
        action="store_true",
        help="print the configuration for the --upstream replicas and start nothing",
    )
    parser.add_argument(
        "--upstream", action="append", default=[], metavar="HOST:PORT", help="with --render"
    )
    parser.add_argument(
        "--secure-cookie", action="store_true", help="with --render: a site served over HTTPS"
    )
    return parser


class _Stopped(Exception):
    pass


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the replicas and nginx and serve until interrupted, or print the configuration."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.render:
        if not args.upstream:
            parser.error("--render needs at least one --upstream HOST:PORT")
        upstreams = [(f"replica-{i}", a) for i, a in enumerate(args.upstream, start=1)]
        print(
            render(
                upstreams,
                f"{args.listen}:{args.port}",
                frame_ancestors=args.frame_ancestors,
                secure_cookie=args.secure_cookie,
            ),
            end="",
        )
        return 0
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        with cluster(
            args.replicas,
            args.port,
            listen=args.listen,
            frame_ancestors=args.frame_ancestors,
            keep=args.keep,
        ) as c:
            print(f"nginx: {c.url} (pid {c.nginx.pid}); folder {c.prefix}", flush=True)
            for name, server in c.replicas.items():
                print(f"{name}: {server.url} (pid {server.process.pid})", flush=True)
            print("Ctrl-C stops nginx and the replicas.", flush=True)
            while c.nginx.poll() is None and all(
                s.process.poll() is None for s in c.replicas.values()
            ):
                time.sleep(1)
            print("nginx or a replica exited; stopping the rest", file=sys.stderr)
            return 1
    except (KeyboardInterrupt, _Stopped):
        return 0
    except (ClusterError, live.ServerError) as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
