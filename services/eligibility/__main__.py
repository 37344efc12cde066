"""`python -m services.eligibility` runs the service; `... decide CASE.json` replays a case without servers;
`... load-registry FILE.json` loads insured career facts into the registry; `... campaign [--dry-run]` invites
those owed a refund to file (campaign_cli.py)."""

import sys

from services.eligibility.config import EligibilitySettings


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "serve"
    if command == "decide":
        from services.eligibility.decide_cli import main as decide_main

        return decide_main(argv[1:], EligibilitySettings().revaluation_rates_file)  # the service's own table
    if command == "load-registry":
        from services.eligibility.load_registry import main as load_main

        return load_main(argv[1:], EligibilitySettings())
    if command == "campaign":
        from services.eligibility.campaign_cli import main as campaign_main

        return campaign_main(argv[1:], EligibilitySettings())
    if command == "serve":
        from services.eligibility.app import create_app
        from services.runtime.http import run_service

        run_service("eligibility", create_app, EligibilitySettings())
        return 0
    print(f"unknown command {command!r}: use serve, decide, load-registry or campaign", file=sys.stderr)
    return 2


sys.exit(main(sys.argv[1:]))
