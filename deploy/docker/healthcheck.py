"""The image's HEALTHCHECK: `python healthcheck.py [live|ready]` GETs /health/<check> of the service running in
this container (`python -m services.<name>`), on the HTTP port its settings class gives (environment or default)."""

import importlib
import os
import sys
import urllib.request
from pathlib import Path

from pydantic_settings import BaseSettings


def running_service(proc: Path = Path("/proc")) -> str | None:
    for cmdline in proc.glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:  # the process ended meanwhile
            continue
        for flag, module in zip(args, args[1:], strict=False):
            if flag == "-m" and module.startswith("services."):
                return module.split(".")[1]
    return None


def http_port(service: str) -> int:
    """<PREFIX>HTTP_PORT from the environment, else the settings class's default (without building the settings,
    which may require variables a health check has no use for)."""
    config = importlib.import_module(f"services.{service}.config")
    settings = next(
        value
        for value in vars(config).values()
        if isinstance(value, type) and issubclass(value, BaseSettings) and value.__module__ == config.__name__
    )
    variable = f"{settings.model_config.get('env_prefix', '')}HTTP_PORT".upper()
    return int(os.environ.get(variable, settings.model_fields["http_port"].default))


def main(check: str = "live") -> int:
    service = running_service()
    if service is None:
        print("no `python -m services.<name>` process in this container", file=sys.stderr)
        return 1
    url = f"http://127.0.0.1:{http_port(service)}/health/{check}"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:  # refused, timed out, or an HTTP error status such as 503
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
