"""deploy/docker/: the services image, its build context and health check, and the Kannel image's config."""

import ast
import importlib.metadata
import importlib.util
import re
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.unit.deploy.facts import DEPLOY, DOCKER, ROOT, SERVICES, default_port

DOCKERFILE = (DOCKER / "Dockerfile").read_text()
TEST_ONLY_PACKAGES = {"poppler-utils", "zbar-tools", "chromium", "clamav-daemon", "clamav"}


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", re.sub(r"^\s*#.*\n", "", dockerfile, flags=re.MULTILINE))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines() if line.strip()]


def kannel_groups(conf: str) -> dict[str, set[str]]:
    """`group = X` (`X:ID` for an SMSC: there are two) -> the keys its lines set (comments dropped)."""
    groups: dict[str, set[str]] = {}
    for block in re.split(r"\n\s*\n", conf):
        settings = dict(
            tuple(part.strip() for part in line.split("=", 1))
            for line in block.splitlines()
            if "=" in line and not line.lstrip().startswith("#")
        )
        if "group" in settings:
            name = settings.pop("group") + (f":{settings['smsc-id']}" if "smsc-id" in settings else "")
            groups[name] = set(settings)
    return groups


def local_kannel_conf() -> str:
    start = (DEPLOY / "local" / "start.sh").read_text()
    match = re.search(r'cat >"\$dir/kannel\.conf" <<EOF\n(.*?)\nEOF', start, re.DOTALL)
    assert match, "deploy/local/start.sh no longer writes kannel.conf with a heredoc"
    return match.group(1)


def test_the_image_installs_every_run_time_package_of_the_local_setup_without_recommends():
    lines = (DEPLOY / "local" / "system-packages.txt").read_text().splitlines()
    listed = {line.split("#")[0].strip() for line in lines}
    run_time = listed - {""} - TEST_ONLY_PACKAGES
    (install,) = [args for name, args in instructions(DOCKERFILE) if name == "RUN" and "apt-get install" in args]
    assert "--no-install-recommends" in install
    assert run_time <= set(install.split())
    assert not TEST_ONLY_PACKAGES & set(install.split())


def test_the_image_is_python_311_slim_bookworm_runs_as_non_root_and_checks_its_health():
    steps = instructions(DOCKERFILE)
    args = dict(value.split("=", 1) for name, value in steps if name == "ARG" and "=" in value)
    assert args["PYTHON_IMAGE"] == "python:3.11-slim-bookworm"
    assert {value for name, value in steps if name == "FROM"} == {"${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"}
    final_stage = steps[max(index for index, (name, _) in enumerate(steps) if name == "FROM") :]
    (user,) = [value for name, value in final_stage if name == "USER"]
    assert user.split(":")[0] not in ("0", "root")
    (healthcheck,) = [value for name, value in final_stage if name == "HEALTHCHECK"]
    assert '"/opt/taawidaty/healthcheck.py", "live"' in healthcheck
    assert any(name == "RUN" and "pip install ." in value for name, value in steps)


def test_the_build_context_keeps_every_file_the_dockerfile_copies_from_it():
    ignore = [
        line.strip()
        for line in (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ignore[0] == "*"
    kept = {line.removeprefix("!").rstrip("/") for line in ignore if line.startswith("!")}
    copies = [value.split() for name, value in instructions(DOCKERFILE) if name == "COPY" and "--from" not in value]
    sources = {source.rstrip("/") for parts in copies for source in parts[:-1]}
    assert sources <= kept
    assert all((ROOT / source).exists() for source in sources)


def test_the_kannel_conf_sets_up_the_same_groups_as_the_local_one_with_credentials_from_the_environment():
    local = kannel_groups(local_kannel_conf())
    container = kannel_groups((DOCKER / "kannel" / "kannel.conf").read_text())
    assert set(container) == set(local)
    # the container logs to stderr, serves sendsms to the network and leaves who may call it to the network
    dropped = {"core": {"access-log"}, "smsbox": {"access-log", "sendsms-interface"}, "sendsms-user": {"user-allow-ip"}}
    for group, keys in local.items():
        assert container[group] == keys - dropped.get(group, set()), group
    conf = (DOCKER / "kannel" / "kannel.conf").read_text()
    entrypoint = (DOCKER / "kannel" / "entrypoint.sh").read_text()
    for name in re.findall(r"@([A-Z_]+)@", conf):
        assert name in re.search(r"for name in ([A-Z_ ]+); do", entrypoint).group(1)
    assert {"KANNEL_USERNAME", "KANNEL_PASSWORD", "KANNEL_ADMIN_PASSWORD"} <= set(re.findall(r"@([A-Z_]+)@", conf))


@pytest.fixture(scope="module")
def healthcheck():
    spec = importlib.util.spec_from_file_location("taawidaty_healthcheck", DOCKER / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_image_health_check_finds_the_service_running_in_the_container(healthcheck, tmp_path):
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "cmdline").write_bytes(b"/bin/sh\0-c\0sleep 1\0")
    assert healthcheck.running_service(tmp_path) is None
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "cmdline").write_bytes(b"python\0-m\0services.receipts\0")
    assert healthcheck.running_service(tmp_path) == "receipts"


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_health_check_asks_the_port_the_service_listens_on(healthcheck, service, monkeypatch):
    assert healthcheck.http_port(service) == default_port(service)
    monkeypatch.setenv(f"{service.upper()}_HTTP_PORT", "19999")
    assert healthcheck.http_port(service) == 19999


def installed_by(requirements: list[str]) -> set[str]:
    """The distributions `pip install` of these requirements brings in, with their own requirements."""
    seen: set[str] = set()
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for text in importlib.metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            if needed.marker is None or any(
                needed.marker.evaluate({"extra": extra}) for extra in requirement.extras | {""}
            ):
                pending.append(needed)
    return seen


def test_every_library_the_services_import_is_installed_by_pip_install_of_the_project():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    installed = installed_by(project["dependencies"])
    modules = {
        alias.name.split(".")[0] if isinstance(node, ast.Import) else node.module.split(".")[0]
        for package in ("services", "contracts")
        for path in (ROOT / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0)
        for alias in node.names
    }
    third_party = modules - set(sys.stdlib_module_names) - {"services", "contracts"}
    distributions = importlib.metadata.packages_distributions()
    missing = {
        module
        for module in third_party
        if not {name.lower().replace("_", "-") for name in distributions.get(module, [module])} & installed
    }
    assert not missing
