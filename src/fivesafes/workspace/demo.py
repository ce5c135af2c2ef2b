"""Demo data for JupyterLab sessions: until the demo project has a delivery, its data folder
gets one generated Parquet file (`d0-generated/persons.parquet`, 2,000 synthetic persons), so
that the demo researcher can start JupyterLab and make a crosstab. Idempotent; demo only."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from fivesafes.people.demo import DEMO_PROJECT


def ensure_demo_workspace() -> bool:
    """Write the generated file when the demo project's data folder is empty; True if now."""
    import numpy as np
    import pandas as pd

    data = Path(settings.DATA_DIR) / "projects" / DEMO_PROJECT / "data"
    if data.is_dir() and any(data.iterdir()):
        return False
    folder = data / "d0-generated"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    size = 2000
    frame = pd.DataFrame(
        {
            "person": [f"P{i:05d}" for i in range(size)],
            "region": rng.choice(["North", "South", "East", "West"], size),
            "sex": rng.choice(["F", "M"], size),
            "age": rng.integers(18, 90, size),
            "income": rng.integers(0, 900_000, size),
        }
    )
    frame.to_parquet(folder / "persons.parquet")
    for path in (data.parent, data, folder):
        path.chmod(0o755)
    (folder / "persons.parquet").chmod(0o644)
    return True
