# Walmart's own lists feed the unmapped report (mappings.walmart_catalog), with ERP item suggestions.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mappings', '0002_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='unmappedsighting',
            name='detail',
            field=models.CharField(blank=True, help_text='Walmart productType, or the ship node type', max_length=100),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='gtin',
            field=models.CharField(blank=True, help_text="Walmart's GTIN/UPC as GTIN-14", max_length=14, verbose_name='GTIN-14'),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='name',
            field=models.CharField(blank=True, help_text="Walmart's product name or ship node name", max_length=255),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='suggested_item',
            field=models.CharField(blank=True, max_length=50, verbose_name='suggested ERP item'),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='suggestion_basis',
            field=models.CharField(blank=True, choices=[('same_code', 'Same code in the ERP'), ('gtin', 'Same GTIN-14')], max_length=10),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='suggestion_note',
            field=models.CharField(blank=True, help_text='Why the item was (or was not) suggested', max_length=500),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='walmart_count',
            field=models.PositiveIntegerField(default=0, help_text='Times a refresh found it listed on Walmart', verbose_name='Walmart refreshes'),
        ),
        migrations.AddField(
            model_name='unmappedsighting',
            name='walmart_seen_at',
            field=models.DateTimeField(blank=True, help_text='Last refresh that found it on Walmart', null=True, verbose_name='listed on Walmart'),
        ),
        migrations.AddConstraint(
            model_name='unmappedsighting',
            constraint=models.CheckConstraint(condition=models.Q(('suggestion_basis', ''), ('suggestion_basis__in', ['same_code', 'gtin']), _connector='OR'), name='unmappedsighting_suggestion_basis'),
        ),
    ]
