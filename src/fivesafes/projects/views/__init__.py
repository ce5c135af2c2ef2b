"""Pages of safe projects: the applicant's wizard, the staff review, the project page."""
