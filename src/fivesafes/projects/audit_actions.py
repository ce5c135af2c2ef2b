"""The audit actions projects records: applications and their review, projects, change
requests, prices, closure and publications; what each means in words (see
`fivesafes.audit.actions`).

The application steps (`application.<step>`) are written by the state machine; they are named
here so the log reads in words whatever the machine's labels say.
"""

ACTIONS = {
    # Applications (R11, R12, R15)
    "application.created": "A project application was started",
    "application.updated": "An application's description was changed",
    "application.variables_added": "Variables were added to an application",
    "application.variable_updated": "A requested variable's years, coarsening or reason changed",
    "application.variable_removed": "A variable was removed from an application",
    "application.population_changed": "An application's population definition changed",
    "application.member_added": "A researcher was added to an application",
    "application.member_removed": "A researcher was removed from an application",
    "application.external_data_added": "External data to link in were added (R15)",
    "application.external_data_removed": "External data were removed from an application",
    "application.document_attached": "A document was attached to an application (R12)",
    "application.assigned": "An application was assigned to a case handler",
    "application.question_asked": "The office asked the applicant a question",
    "application.question_answered": "The applicant answered the office's question",
    # Application steps (R16, R17)
    "application.submit": "The applicant submitted the application",
    "application.start_review": "A case handler started the review",
    "application.recommend_fast_track": "The application was recommended on the fast track",
    "application.return_for_changes": "The application was returned to the applicant for changes",
    "application.recommend": "A case handler recommended approval",
    "application.approve": "The application was approved (four eyes, R17)",
    "application.refuse": "The application was refused",
    "application.withdraw": "The applicant withdrew the application",
    # Projects and change requests (R16)
    "project.created": "A project was created from an approved application",
    "project.changed": "An approved change request changed the project (R16)",
    "application.change_request_started": "A change request for a project was started (R16)",
    "application.small_change_recorded": "A change within the approved scope was recorded (R16)",
    # Prices (R18)
    "price_list.changed": "The price list was changed (R18)",
    "quote.issued": "A quote was issued for a project (R18)",
    "quote.accepted": "The institution accepted a quote",
    "invoice.issued": "An invoice was issued",
    # Closure and publications (R23, R25)
    "application.withdrawn_at_closure": "An open change request was withdrawn when its project closed",
    "project.closed": "A project was closed and archived",
    "project.end_reminder_sent": "The project's manager was reminded the project ends soon",
    "project.data_deleted": "The deletion of a project's data was confirmed (R25)",
    "publication.registered": "A publication was submitted for scrutiny (R23)",
    "publication.no_objection": "The office scrutinised a publication and had no objection (R23)",
    "publication.objection": "The office scrutinised a publication and objected to it (R23)",
}
