from django.db import migrations


def forwards(apps, schema_editor):
    from shangwu.indicators.defaults import install_defaults

    install_defaults(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
