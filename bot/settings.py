"""Typed settings: exactly the contract's environment variables (a `.env` file may set them too)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MissingSetting(Exception):
    """A required setting is absent; the message names it and where the README explains it."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name} is not set: {why} (see README.md, section 'Settings')")
        self.name = name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite+aiosqlite:///./opsbridge.db", alias="DATABASE_URL")
    opsbridge_config: str = Field(default="./opsbridge.yaml", alias="OPSBRIDGE_CONFIG")
    host: str = Field(default="127.0.0.1", alias="HOST")
    port: int = Field(default=3000, alias="PORT")
    public_url: str = Field(default="http://localhost:3000", alias="PUBLIC_URL")
    opsbridge_api_token: str | None = Field(default=None, alias="OPSBRIDGE_API_TOKEN")
    github_webhook_secret: str | None = Field(default=None, alias="GITHUB_WEBHOOK_SECRET")

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def api_url(self) -> str:
        """slack_sdk joins method names onto the base URL, so it must end with a slash."""
        return self.slack_api_url if self.slack_api_url.endswith("/") else self.slack_api_url + "/"

    def require_for_serve(self) -> None:
        if not self.slack_bot_token:
            raise MissingSetting("SLACK_BOT_TOKEN", "opsbridge serve needs the bot token (xoxb-...)")
        if not self.socket_mode and not self.slack_signing_secret:
            raise MissingSetting(
                "SLACK_SIGNING_SECRET", "HTTP mode verifies every request from Slack with it"
            )
