"""Live figures of the delivery and release rooms on the dashboards (issue 16, item 4).

What waits for the data-delivery staff (projects without data, plans to review, failed runs),
for an output checker (requests they may review, by how far the review has come, and released
files to look at again) and for a researcher (release requests returned to them, drafts not yet
submitted). Like `panel_figures`, each counts only what the linked page lists for the person,
so a figure never reveals more than a click on its link.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from fivesafes.web.panel_figures import Figure


def deliveries_to_handle(request: Any) -> list[Figure]:
    from fivesafes.delivery import queries
    from fivesafes.delivery.workflow import DeliveryState

    url = reverse("delivery:queue")
    planned = len(queries.in_state(DeliveryState.PLANNED))
    failed = len(queries.in_state(DeliveryState.FAILED))
    return [
        Figure(queries.undelivered_projects().count(), "approved projects without data", url),
        Figure(planned, "delivery plans to review", url, urgent=True),
        Figure(failed, "failed deliveries", url, urgent=True),
    ]


def releases_to_check(request: Any) -> list[Figure]:
    from fivesafes.policy import releases as policy
    from fivesafes.release import queries
    from fivesafes.release.workflow import RequestState

    person = request.user
    mine = [r for r in queries.review_queue() if policy.can_review(person, r)]
    url = reverse("release:queue")

    def waiting(state: RequestState) -> int:
        return sum(1 for r in mine if r.state == state.value)

    return [
        Figure(waiting(RequestState.CHECKED), "requests waiting for a first review", url, True),
        Figure(
            waiting(RequestState.PARTIALLY_REVIEWED),
            "requests waiting for a second review",
            url,
            urgent=True,
        ),
        Figure(waiting(RequestState.REVIEWED), "reviewed requests to decide", url, urgent=True),
        Figure(
            sum(1 for f in queries.after_review_queue() if policy.can_after_review(person, f)),
            "released files to look at again",
            url,
        ),
    ]


def releases_of_researcher(request: Any) -> list[Figure]:
    from fivesafes.release import queries
    from fivesafes.release.workflow import RequestState

    mine = queries.my_requests(request.user)
    url = reverse("release:my_requests")
    return [
        Figure(
            mine.filter(state=RequestState.RETURNED.value).count(),
            "release requests returned to you",
            url,
            urgent=True,
        ),
        Figure(
            mine.filter(state=RequestState.DRAFT.value).count(),
            "release requests not yet submitted",
            url,
        ),
    ]
