"""Fault injection for the crash tests: when the file named by TAAWIDATY_CRASH_<POINT> exists, the process
removes it and dies at once at that point (its restart then goes on normally)."""

import logging
import os

log = logging.getLogger(__name__)

CRASH_EXIT_CODE = 70


def crash_if_asked(point: str) -> None:
    marker = os.environ.get(f"TAAWIDATY_CRASH_{point}")
    if marker and os.path.exists(marker):
        os.remove(marker)
        log.critical("crashing at %s, as asked by %s", point, marker)
        os._exit(CRASH_EXIT_CODE)
