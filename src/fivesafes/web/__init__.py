"""The web frame: layout, navigation per role, start page and dashboards."""
