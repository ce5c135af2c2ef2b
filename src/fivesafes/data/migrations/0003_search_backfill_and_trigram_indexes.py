"""Fill register search text for versions imported before it existed; on PostgreSQL, index the
search texts with trigrams so that `LIKE '%word%'` stays fast as the catalogue grows."""

from django.db import migrations

TRIGRAM_INDEXES = (
    ("data_cataloguevariable", "data_variable_search_trgm"),
    ("data_registerversion", "data_version_search_trgm"),
)


def backfill(apps, schema_editor):
    RegisterVersion = apps.get_model("data", "RegisterVersion")
    for version in RegisterVersion.objects.filter(search_text="").select_related("register"):
        texts = (
            version.register.short_name,
            version.title_en,
            version.title_da,
            version.description_en,
            version.description_da,
        )
        version.search_text = " ".join(texts).lower()
        version.save(update_fields=["search_text"])


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("data", "0002_register_search_text")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
