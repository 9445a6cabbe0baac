"""Past one process: the container file, and two replicas behind nginx (``deploy/``).

The nginx tests run Debian's nginx unprivileged with a generated configuration
in a folder of its own, in front of two ``streamlit run app.py`` replicas on
loopback; they skip when nginx is not installed.
"""

from __future__ import annotations

import doctest
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy import cluster as dc

ROOT = Path(__file__).resolve().parents[1]
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
NGINX = dc.nginx_binary()
NO_NGINX = "nginx is not installed (apt-get install nginx)"
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx)"
)
IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
DOWNLOAD = ".st-key-download button"
PREPARE = ".st-key-prepare_download button"
VIEWPORT = {"width": 1400, "height": 900}
# a replica's first page loads the atlas
FIRST_PAGE_MS = 60_000


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a GET, errors included."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


# ------------------------------------------------------------------ the container file


def containerfile() -> list[str]:
    # the instructions, continuation lines joined
    text = re.sub(r"\\\n\s*", " ", CONTAINERFILE.read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_the_container_runs_as_a_user_of_its_own_and_copies_files_that_exist():
    lines = containerfile()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert lines.index(next(line for line in lines if line.startswith("USER "))) < lines.index(cmd)
    for line in lines:
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src
    assert "streamlit run app.py" in cmd


def test_the_container_health_check_asks_the_health_endpoint(tmp_path):
    line = next(line for line in containerfile() if line.startswith("HEALTHCHECK "))
    probe = json.loads(line.split(" CMD ", 1)[1])
    assert probe[0] == "python" and "/_stcore/health" in probe[-1]
    # the same command, against a port where nothing listens: unhealthy
    done = subprocess.run(
        [sys.executable, *probe[1:]],
        env={"PORT": str(dc.live.free_port())},
        capture_output=True,
        timeout=30,
    )
    assert done.returncode != 0


def test_the_app_listens_on_this_machine_only_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"


def test_the_served_app_takes_commands_from_no_parent_frame(server):
    # Streamlit's default list names its cloud's hosts, which may rerun or stop the app
    with urllib.request.urlopen(f"{server}/_stcore/host-config", timeout=10) as reply:
        assert json.load(reply)["allowedOrigins"] == []


# ------------------------------------------------------------------ the configuration


def test_the_examples_in_the_docstrings_hold():
    # deploy/ is outside the doctest paths of the suite
    assert doctest.testmod(dc).failed == 0


def test_frame_ancestors_takes_sources_and_nothing_else():
    policy = dc.content_security_policy("'self' https://school.example")
    assert "frame-ancestors 'self' https://school.example" in policy
    assert "object-src 'none'" in policy
    with pytest.raises(ValueError):
        dc.content_security_policy("'self'; script-src *")


@needs_nginx
def test_the_rendered_configuration_passes_nginx_t():
    prefix = Path(tempfile.mkdtemp(prefix="atlas-nginx-test-"))
    try:
        upstreams = [("replica-1", "127.0.0.1:9001"), ("replica-2", "127.0.0.1:9002")]
        text = dc.render(upstreams, "127.0.0.1:9000")
        assert "hash $route_key consistent;" in text
        assert text.count("server 127.0.0.1:900") == 2
        conf = dc.write_prefix(prefix, text)
        checked = dc.check_config(prefix, conf)
        assert checked.returncode == 0, checked.stderr
        assert "test is successful" in checked.stderr
        # and a broken one fails
        conf.write_text(text.replace("upstream atlas {", "upstream atlas {{"))
        assert dc.check_config(prefix, conf).returncode != 0
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


# ------------------------------------------------------------------ two replicas behind nginx


@pytest.fixture(scope="module")
def deployed():
    if NGINX is None:
        pytest.skip(NO_NGINX)
    try:
        with dc.cluster(2) as c:
            yield c
    except (dc.ClusterError, dc.live.ServerError) as exc:
        pytest.fail(str(exc))


def test_the_proxy_sends_the_security_headers_and_a_route_cookie(deployed):
    status, headers, _ = get(f"{deployed.url}/")
    assert status == 200
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers["x-upstream"] in deployed.replicas
    assert re.match(r"atlas_route=[0-9a-f]{32}; Path=/; HttpOnly", headers["set-cookie"])


def test_metrics_and_dotfiles_are_refused_by_the_proxy(deployed):
    status, headers, _ = get(f"{deployed.url}/_stcore/metrics")
    assert status == 404 and "x-upstream" not in headers
    assert get(f"{deployed.url}/_stcore/metrics?x=1")[0] == 404
    # the replica itself still answers on loopback: it is the proxy that refuses
    replica = next(iter(deployed.replicas.values()))
    assert get(f"{replica.url}/_stcore/metrics")[0] == 200
    status, headers, _ = get(f"{deployed.url}/app/static/.env")
    assert status == 404 and "x-upstream" not in headers
    # the security headers are on refusals too
    assert headers["x-content-type-options"] == "nosniff"


def test_new_readers_spread_over_both_replicas_and_each_stays_on_one(deployed):
    seen = {get(f"{deployed.url}/_stcore/health")[1]["x-upstream"] for _ in range(40)}
    assert seen == set(deployed.replicas)
    cookie = f"{dc.COOKIE}={secrets.token_hex(16)}"
    stays = {get(f"{deployed.url}/_stcore/health", cookie)[1]["x-upstream"] for _ in range(10)}
    assert len(stays) == 1


def cookie_for(deployed, replica: str) -> str:
    """A route cookie's value that nginx sends to ``replica``."""
    for _ in range(200):
        value = secrets.token_hex(16)
        answer = get(f"{deployed.url}/_stcore/health", f"{dc.COOKIE}={value}")
        if answer[1]["x-upstream"] == replica:
            return value
    raise AssertionError(f"no route to {replica} in 200 tries")


def stream_routes(deployed, wanted: set[str], wait_s: float = 20.0) -> set[str]:
    """The route keys of the upgraded WebSockets in nginx's log, once all of ``wanted`` show."""
    deadline = time.monotonic() + wait_s
    while True:
        found = {
            e["route"]
            for e in dc.read_access_log(deployed.access_log)
            if e["path"] == dc.STREAM_PATH and e["status"] == "101"
        }
        if wanted <= found or time.monotonic() > deadline:
            return found & wanted
        time.sleep(0.2)


@pytest.mark.browser
def test_a_session_on_each_replica_steps_and_downloads_its_year(deployed, browser):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    expect = sync_api.expect
    host = deployed.url.removeprefix("http://").split(":")[0]
    port = deployed.url.rsplit(":", 1)[1]
    routes = {}
    for i, name in enumerate(sorted(deployed.replicas)):
        value = cookie_for(deployed, name)
        routes[value] = name
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1400, "height": 900}
        )
        context.route(
            re.compile(rf"^(?!https?://{re.escape(host)}:{port}[/?])"),
            lambda route: route.abort("internetdisconnected"),
        )
        context.add_cookies([{"name": dc.COOKIE, "value": value, "url": deployed.url}])
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            year = 1858 + i
            response = page.goto(f"{deployed.url}/?year={year}")
            assert response.headers["x-upstream"] == name
            territory = page.frame_locator(IFRAME).locator("path.territory").first
            expect(territory).to_be_attached(timeout=FIRST_PAGE_MS)
            page.get_by_role("slider").focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            slider = page.get_by_role("slider")
            expect(slider).to_have_attribute("aria-valuetext", str(year + 2), timeout=30_000)
            page.locator(PREPARE).click()
            with page.expect_download() as info:
                page.locator(DOWNLOAD).click()
            doc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
            assert doc["date"] == f"{year + 2}-12-31"
        finally:
            context.close()
    # nginx logs a WebSocket once both ends have closed it
    streams = stream_routes(deployed, set(routes))
    assert {routes[r] for r in streams} == set(deployed.replicas)
    sessions = dc.read_access_log(deployed.access_log)
    # every request of each session, the WebSocket and the download included, went to its replica
    seen = deployed.routes()
    for value, name in routes.items():
        assert seen[value] == {name}
    media = [e for e in sessions if e["path"].startswith("/media/") and e["route"] in routes]
    assert len({e["route"] for e in media}) == 2 and all(e["status"] == "200" for e in media)
    assert deployed.sessions().keys() == set(deployed.replicas)


def test_the_replicas_start_without_a_static_folder_warning(deployed):
    for server in deployed.replicas.values():
        assert "no static folder found" not in server.output()
