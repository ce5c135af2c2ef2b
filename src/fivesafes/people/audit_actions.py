"""The audit actions people records: institutions, their authorisation, researchers, agreements,
certification, breaches and sanctions; what each means in words (see `fivesafes.audit.actions`).

The authorisation steps (`authorisation.<step>`) are written by the state machine; they are
named here so the log reads in words whatever the machine's labels say.
"""

ACTIONS = {
    # Institutions and their authorisation (R1-R6)
    "institution.created": "An institution was entered, applying to be authorised",
    "authorisation.applied": "An institution applied for authorisation",
    "authorisation.credibility_assessed": "The office recorded its credibility assessment (R6)",
    "authorisation.question_asked": "The office asked the institution a question",
    "authorisation.question_answered": "The institution answered the office's question",
    "authorisation.exemption_granted": "The approver granted a business-data exemption (R3)",
    "authorisation.start_evaluation": "A case handler started evaluating the authorisation",
    "authorisation.prepare_agreement": "The institution's agreement was prepared",
    "authorisation.recommend": "The authorisation was recommended for approval",
    "authorisation.approve": "The authorisation was approved and signed for the office",
    "authorisation.refuse": "The authorisation was refused",
    "authorisation.send": "The approved agreement was sent to the institution",
    "authorisation.sign": "The institution signed its agreement",
    "authorisation.register": "The institution was registered as authorised",
    "authorisation.withdraw": "The authorisation was withdrawn after a breach (R24)",
    "authorisation.reinstate": "The authorisation was reinstated after the withdrawal period",
    "authorisation.expire": "The authorisation expired at the end of its period",
    "authorisation.terminate": "The office terminated the authorisation at three months' notice",
    "authorisation.give_notice": "The institution gave three months' notice (R25)",
    # Researchers (R7)
    "researcher.attached": "A researcher was attached to their institution",
    "researcher.affiliated": "A foreign researcher was affiliated to a domestic institution (R7)",
    "researcher.attachment_ended": "A researcher's attachment to an institution ended",
    "researcher.working_abroad": "A researcher was recorded as working abroad (R7)",
    "researcher.back_home": "A researcher was recorded as working at home again",
    "access.project_denied": "A person was refused entry to a project's data",
    # Agreements (R8, R25)
    "agreement.created": "A researcher's access agreement was drawn up (R8)",
    "agreement.document_generated": "The agreement document was generated",
    "agreement.signed": "The researcher signed their access agreement",
    "agreement.countersigned": "The office countersigned an access agreement",
    "agreement.notice_given": "Notice was given on an access agreement (R25)",
    "agreement.lapsed": "An access agreement lapsed",
    # Certification (R9)
    "certification.passed": "A person passed the data security test (R9)",
    "certification.failed": "A person failed the data security test (R9)",
    "certification.question_saved": "A question of the data security test was written or changed",
    "certification.reminder_sent": "A person was reminded to renew their certification (R9)",
    # Breaches and sanctions (R24)
    "breach.reported": "A breach of the rules was reported (R24)",
    "breach.evidence_added": "Evidence was added to a breach report",
    "breach.dismissed": "A breach report was dismissed",
    "breach.decided": "A breach was decided with sanctions (R24)",
    "sanction.exclusion": "A researcher was excluded after a breach (R24)",
    "sanction.withdrawal": "An institution's authorisation was withdrawn for a period (R24)",
}
