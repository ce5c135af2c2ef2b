"""The workspace's background jobs: batch runs (`tasks.runs`), JupyterLab culling (`tasks.lab`)
and the periodic sweeps (`tasks.sweep`: lost runs, storage)."""
