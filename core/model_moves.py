"""Moving models between apps without touching their tables: a migration helper.

The tables keep their names (`db_table`), so only Django's state and the content types move. The content
types are renamed in place, so permissions given to roles and admin history keep pointing at the same rows.
"""

from django.db import migrations


def move_content_types(old_app, new_app, model_names):
    """A RunPython operation that relabels the content types of `model_names` from `old_app` to `new_app`."""

    def forwards(apps, schema_editor):
        _relabel(apps, old_app, new_app, model_names)

    def backwards(apps, schema_editor):
        _relabel(apps, new_app, old_app, model_names)

    return migrations.RunPython(forwards, backwards)


def _relabel(apps, source, target, model_names):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in model_names:
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue  # created meanwhile (post_migrate of an earlier run): keep the one that has the history
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)
