"""axe-core on the pages of every kind of object (issue 16: every page of every role passes):
the walk's world (tests/foundation/security_world.py) holds one of everything, a delivery and
its external upload, a re-identification, workspace runs, release requests and released files
among them; each role that works with them opens every object page it may see and axe checks
each one that opens. The main pages of every role are in test_accessibility.py."""

from __future__ import annotations

from typing import Any

import pytest

from fivesafes.policy.permissions import Role
from tests.browser.test_accessibility import walk  # noqa: F401 - the fixture
from tests.foundation.test_security_walk import object_routes, world  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

# Who opens which side's objects: a member its own project's, the office everyone's.
WALKERS = {
    Role.RESEARCHER: ("own",),
    Role.INSTITUTION_MANAGER: ("own",),
    Role.CASE_HANDLER: ("own", "other_institution"),
    Role.OUTPUT_CHECKER: ("own", "other_institution"),
    Role.AUDITOR: ("other_institution",),
}


def test_every_object_page_passes_axe(walk: Any, world: Any) -> None:  # noqa: F811
    opened = 0
    for role, sides in WALKERS.items():
        tab = walk.tab(role.value, world.people[role])
        for side in sides:
            for _name, url, _names_object in object_routes(getattr(world, side)):
                if (role.value, url) in walk.seen:
                    continue
                # Asked first without the page (a POST-only step answers 405 with no body, a
                # document is a PDF; the world's codebook is a stand-in, the real one is written
                # whole by the extraction core); only a page that opens is loaded and checked.
                answer = tab.request.get(url, max_redirects=0)
                if answer.status != 200 or "text/html" not in answer.headers.get(
                    "content-type", ""
                ):
                    continue
                if "<html" not in answer.text()[:500].lower():
                    continue  # a part of a page htmx swaps in: checked inside its page
                tab.goto(url)
                walk.check(tab)
                opened += 1
    assert opened >= 40, f"axe ran on {opened} object pages only: the walk lost its way"
    assert not walk.found, f"axe found {len(walk.found)} serious or critical violations on " + (
        f"{opened} object pages:\n" + "\n".join(sorted(walk.found))
    )
