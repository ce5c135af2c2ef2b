"""The delivery room's pages: the staff's plan page, a delivery's job page (its progress
refreshes itself while it runs), the deliveries on the project page, and a delivery's codebook
and manifest (never its data files, R20)."""
