"""The audit actions the delivery room records; what each means in words (see
`fivesafes.audit.actions`). The steps (`delivery.<step>`) are written by the state machine."""

ACTIONS = {
    "delivery.planned": "A delivery was planned from the project's approved scope (R11)",
    "delivery.start": "A case handler reviewed the plan and started the delivery",
    "delivery.start_automatically": "A fast-track project's delivery started without review",
    "delivery.finish": "The delivery was written to the project's data folder, with checksums",
    "delivery.fail": "The delivery failed; nothing was left in the project's data folder",
    "delivery.rerun": "A failed delivery was started again",
    "delivery.discard": "A delivery's plan was discarded (replaced, or the project closed)",
    "delivery.delete": "A delivery's data were deleted at the project's closure (R25)",
    "delivery.time_recorded": "Staff time on a delivery was booked against a quote line (R18)",
    "delivery.project_data_deleted": (
        "A closed project's data folder was deleted and found empty on disk (R25)"
    ),
}
