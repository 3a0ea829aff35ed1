"""The container files run what `make cluster` runs. Docker cannot build or pull here, so
this is what keeps deploy/Dockerfile, deploy/compose.yaml and deploy/haproxy.cfg honest."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy.cluster import COMMANDS, HAPROXY_CONFIG, proxy_config
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
SERVICES = COMPOSE["services"]
APPS = sorted(name for name in SERVICES if re.fullmatch(r"app\d+", name))


def _python(kind: str) -> list[str]:
    return ["python", *COMMANDS[kind]]


def test_compose_runs_the_cluster_commands() -> None:
    assert SERVICES["migrate"]["command"] == _python("migrate")
    assert SERVICES["worker"]["command"] == _python("worker")
    assert len(APPS) >= 2
    for name in APPS:
        assert SERVICES[name]["command"] == _python("app")


def test_the_image_serves_by_default_and_installs_from_the_lock() -> None:
    cmd = re.search(r"^CMD (.+)$", DOCKERFILE, re.M)
    assert cmd is not None
    assert yaml.safe_load(cmd.group(1)) == _python("app")
    assert "-r requirements.lock" in DOCKERFILE
    assert "--require-hashes" in DOCKERFILE
    assert "requirements.txt" not in DOCKERFILE
    uv = re.search(r"uv==([\d.]+)", DOCKERFILE)
    makefile = (ROOT / "Makefile").read_text()
    assert uv is not None
    assert f"UV_VERSION := {uv.group(1)}" in makefile  # one uv for every install


def test_the_proxy_knows_every_app_service_on_the_image_port() -> None:
    port = re.search(r"REELMATCH_PORT=(\d+)", DOCKERFILE)
    assert port is not None
    servers = re.findall(
        r"^    server (\S+) (\S+):(\d+) check cookie (\S+)$", HAPROXY_CONFIG.read_text(), re.M
    )
    assert sorted(name for name, *_ in servers) == APPS
    assert {(host, number) for _, host, number, _ in servers} == {(a, port.group(1)) for a in APPS}
    assert all(name == cookie for name, _, _, cookie in servers)
    mounts = SERVICES["proxy"]["volumes"]
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in mounts


def test_make_cluster_runs_the_same_proxy_config_with_local_addresses() -> None:
    local = proxy_config(bind_port=9999, replicas={"app1": 4001, "app2": 4002, "app3": 4003})
    shipped = HAPROXY_CONFIG.read_text()

    def without_addresses(text: str) -> list[str]:
        return [
            line for line in text.splitlines() if not line.startswith(("    bind ", "    server "))
        ]

    assert without_addresses(local) == without_addresses(shipped)
    assert "    bind 127.0.0.1:9999" in local
    assert "    server app3 127.0.0.1:4003 check cookie app3" in local


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_haproxy_accepts_both_configs(tmp_path: Path) -> None:
    local = tmp_path / "local.cfg"
    local.write_text(proxy_config(bind_port=9999, replicas={"app1": 4001, "app2": 4002}))
    for config in (local, HAPROXY_CONFIG):
        checked = subprocess.run(
            ["haproxy", "-c", "-f", str(config)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
