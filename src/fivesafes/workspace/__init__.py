"""Safe settings: the project's workspace on the research server (issue 13).

Delivered data (read-only), shared files, a private area per member and the outputs area; batch
runs and JupyterLab sessions in the bubblewrap sandbox (`fivesafes.sandbox`), reached only through
fivesafes and the one access rule, checked on every request. Nothing leaves except released
outputs (R20, R21). docs/workspace/README.md explains the room.
"""
