# The form django_xworkflows' makemigrations wrote; only the import line differs,
# as docs/migrating-from-xworkflows.md says to change it.

import django.db.models.deletion
import django.utils.timezone
from statecore_django.compat import django_xworkflows  # was: import django_xworkflows.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', django_xworkflows.models.StateField(max_length=20, workflow=django_xworkflows.models._SerializedWorkflow(initial_state='draft', name='ReviewFlow', states=['draft', 'waiting_for_approval', 'approved']))),
            ],
            options={
                'abstract': False,
            },
            bases=(django_xworkflows.models.BaseWorkflowEnabled, models.Model),
        ),
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(blank=True, max_length=50)),
                ('state', django_xworkflows.models.StateField(max_length=16, workflow=django_xworkflows.models._SerializedWorkflow(initial_state='new', name='TaskFlow', states=['new', 'started', 'finished']))),
            ],
            options={
                'abstract': False,
            },
            bases=(django_xworkflows.models.BaseWorkflowEnabled, models.Model),
        ),
        migrations.CreateModel(
            name='Ticket',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', django_xworkflows.models.StateField(max_length=16, workflow=django_xworkflows.models._SerializedWorkflow(initial_state='open', name='TicketFlow', states=['open', 'closed']))),
            ],
            options={
                'abstract': False,
            },
            bases=(django_xworkflows.models.BaseWorkflowEnabled, models.Model),
        ),
        migrations.CreateModel(
            name='TicketLastLog',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('transition', models.CharField(db_index=True, max_length=255, verbose_name='transition')),
                ('from_state', models.CharField(db_index=True, max_length=255, verbose_name='from state')),
                ('to_state', models.CharField(db_index=True, max_length=255, verbose_name='to state')),
                ('timestamp', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='performed at')),
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, to='xwapp.ticket')),
            ],
            options={
                'verbose_name': 'XWorkflow last transition log',
                'verbose_name_plural': 'XWorkflow last transition logs',
                'abstract': False,
            },
        ),
    ]
