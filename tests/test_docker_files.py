"""Docker cannot be built here (no engine); what can be checked is what the files tell Docker."""

import re
from pathlib import Path

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {field.alias for field in Settings.model_fields.values()}


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_image_runs_opsbridge_serve_as_a_non_root_user():
    text = dockerfile()
    assert 'ENTRYPOINT ["opsbridge"]' in text and 'CMD ["serve"]' in text
    assert re.search(r"^USER (?!root)\S+", text, re.M)


def test_image_listens_on_all_interfaces_and_checks_healthz():
    text = dockerfile()
    assert "HOST=0.0.0.0" in text
    assert "HEALTHCHECK" in text and "/healthz" in text


def test_image_and_compose_only_set_contract_settings():
    env_names = set(re.findall(r"^\s+([A-Z_]+)=", dockerfile(), re.M)) - {
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PIP_NO_CACHE_DIR",
    }
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env_names |= set(compose["services"]["opsbridge"]["environment"])
    assert env_names <= SETTINGS


def test_compose_runs_postgres_16_with_a_volume_and_points_opsbridge_at_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["postgres"]["image"] == "postgres:16"
    assert "pgdata" in compose["volumes"]
    url = compose["services"]["opsbridge"]["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/" in url
