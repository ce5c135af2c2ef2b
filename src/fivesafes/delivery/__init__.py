"""The delivery room (safe data, issue 12): from a project's approved scope to a pseudonymised,
documented data set in the project's data folder on the research server (journey 4; R11, R14,
R18, R20, R25). The extraction itself is the framework-free core `fivesafes.extraction`, reached
only through `delivery/extract.py`."""
