"""`python -m services.claims` runs the service; `... issue-token REGISTRATION_NUMBER [--agent]` prints a
token signed with the configured key, for the local run's sample users (the real ones come from the IdP)."""

import argparse
import sys

from services.claims.config import ClaimsSettings


def main(argv: list[str]) -> int:
    settings = ClaimsSettings()
    if argv[:1] == ["issue-token"]:
        from services.claims.auth import issue_token

        parser = argparse.ArgumentParser(prog="python -m services.claims issue-token")
        parser.add_argument("subject", help="registration number (9 digits) or agent id")
        parser.add_argument("--agent", action="store_true", help="give the token the agent role")
        parser.add_argument("--agency", help="the agent's agency code (contracts/agents.py)")
        arguments = parser.parse_args(argv[1:])
        print(issue_token(settings, arguments.subject, agent=arguments.agent, agency=arguments.agency))
        return 0
    from services.claims.app import create_app
    from services.runtime.http import run_service

    run_service("claims", create_app, settings)
    return 0


sys.exit(main(sys.argv[1:]))
