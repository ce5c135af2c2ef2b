"""The audit actions safe outputs records, in words (see `fivesafes.audit.actions`).

The request's steps (`release_request.<step>`) are written by the state machine; they are
named here too so the log reads the same whatever the machine's labels say.
"""

from fivesafes.shared.labels import gettext_noop

ACTIONS = {
    "release_request.created": gettext_noop("A release request was started"),
    "release_request.file_added": gettext_noop(
        "A file of the outputs area was added to a release request"
    ),
    "release_request.file_updated": gettext_noop(
        "A file of a release request was updated (its reviews reset)"
    ),
    "release_request.file_withdrawn": gettext_noop("A file was withdrawn from a release request"),
    "release_request.files_frozen": gettext_noop(
        "A release request's files were copied and hashed"
    ),
    "release_request.checked": gettext_noop("The automatic checks of a release request finished"),
    "release_request.check_failed": gettext_noop(
        "The automatic checks of a release request could not run"
    ),
    "release_request.release_refused": gettext_noop(
        "An approved request was not released: a frozen copy changed"
    ),
    "release_request.vote": gettext_noop(
        "An output checker voted on a file (the comment is hidden)"
    ),
    "release_request.consolidated": gettext_noop(
        "A checker settled the two checkers' disagreement on a file"
    ),
    # The steps (R22)
    "release_request.submit": gettext_noop("A member submitted the release request for checking"),
    "release_request.checks_passed": gettext_noop(
        "The automatic checks sent the request to two checkers"
    ),
    "release_request.auto_approve": gettext_noop(
        "Every file passed and the request was not sampled: approved"
    ),
    "release_request.auto_return": gettext_noop(
        "A file failed without an exception: returned to the author"
    ),
    "release_request.first_review": gettext_noop("The first output checker submitted a review"),
    "release_request.second_review": gettext_noop(
        "A second, different output checker submitted a review"
    ),
    "release_request.approve": gettext_noop("An output checker approved the release"),
    "release_request.return_to_author": gettext_noop(
        "An output checker returned the request to the author"
    ),
    "release_request.reject": gettext_noop("An output checker rejected the request"),
    "release_request.release": gettext_noop("The request's files were released (release log)"),
    "release_request.withdraw": gettext_noop("A member withdrew the release request"),
    # The release log, batches and breaches (R22, R24)
    "release.file_released": gettext_noop(
        "A file was released: checksum, checks, reviewers, recipients"
    ),
    "release.mailed": gettext_noop(
        "Released files were e-mailed to the researcher in the five-minute batch"
    ),
    "release.mail_failed": gettext_noop(
        "The mail server failed during a batch; the files wait for the next"
    ),
    "release.downloaded": gettext_noop("A member downloaded a released file"),
    "release.after_review": gettext_noop(
        "A checker looked at an automatically released file afterwards"
    ),
    "release.sampling_raised": gettext_noop(
        "Staff set a project's sampling rate for passing requests"
    ),
    "release.frozen_copies_deleted": gettext_noop(
        "At closure, the frozen copies of files never released were deleted and verified gone"
    ),
    "release.breach": gettext_noop(
        "A checker marked a released file as a breach: withdrawn, case opened"
    ),
}
