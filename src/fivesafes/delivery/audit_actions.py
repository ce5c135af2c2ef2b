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
    "delivery.external_link_issued": (
        "A one-time upload link for external data was made for the data owner (R15)"
    ),
    "delivery.external_refused": "An external file sent through an upload link was refused",
    "delivery.external_received": (
        "External data arrived with the data-protection agreement's reference and were checked"
    ),
    "delivery.external_raw_deleted": "The raw external file was deleted once read and checked",
    "delivery.external_linked": (
        "Checked external data were linked into a delivery under the project's pseudonyms, "
        "and the copy keyed by person number was deleted"
    ),
    "delivery.external_cancelled": (
        "An upload link or a checked external file was withdrawn and its files deleted"
    ),
    "delivery.external_expired": "An upload link expired unused",
    "delivery.scrambling_key_taken": (
        "Staff took the scrambling-key file (person number and serial) of a link for "
        "distributed linking, to send the data owner"
    ),
    "delivery.scrambling_key_deleted": (
        "A scrambling-key file was deleted and found gone on disk (its link ended)"
    ),
    "delivery.reidentification_asked": (
        "A member of staff asked to re-identify a project pseudonym, stating the reason (R14)"
    ),
    "delivery.reidentification_approved": "A second member of staff approved a re-identification",
    "delivery.reidentification_refused": "A second member of staff refused a re-identification",
    "delivery.reidentification_shown": (
        "The person number behind a pseudonym was shown, once, to the one who asked"
    ),
    "delivery.time_recorded": "Staff time on a delivery was booked against a quote line (R18)",
    "delivery.project_data_deleted": (
        "A closed project's data folder was deleted and found empty on disk (R25)"
    ),
}
