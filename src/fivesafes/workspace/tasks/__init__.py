"""The workspace's background jobs: batch runs (`tasks.runs`) and JupyterLab culling (`tasks.lab`)."""
