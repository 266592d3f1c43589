from pathlib import Path

import pytest

from dashboard.settings import load_settings


def test_defaults_point_to_ignored_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "DATA_DIR", "CACHE_TYPE", "AUTH_MODE", "DEMO_DATA"):
        monkeypatch.delenv(var, raising=False)
    s = load_settings()
    assert s.database_url.startswith("sqlite:///") and "instance" in s.database_url
    assert s.cache_type == "SimpleCache"
    assert s.auth_mode == "demo"
    assert s.demo_data is True
    assert len(s.secret_key.get_secret_value()) >= 32
    gitignore = (Path(__file__).resolve().parents[1] / ".gitignore").read_text()
    assert "/instance/" in gitignore


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/x")
    monkeypatch.setenv("CACHE_TYPE", "RedisCache")
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DEMO_DATA", "false")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GEO_CACHE_DIR", raising=False)
    monkeypatch.delenv("TRACING_DATABASE_URL", raising=False)
    s = load_settings()
    assert s.database_url.startswith("postgresql+psycopg://")
    assert s.cache_type == "RedisCache" and s.cache_redis_url.endswith("/0")
    assert s.demo_data is False
    assert s.tracing_database_url == f"sqlite:///{tmp_path / 'tracing.sqlite'}"
    assert s.geo_dir == tmp_path / "geo"


def test_bad_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_TYPE", "Memcachedd")
    with pytest.raises(ValueError, match="cache_type"):
        load_settings()
