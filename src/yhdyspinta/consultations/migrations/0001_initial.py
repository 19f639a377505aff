import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("areas", "0001_initial"),
        ("parties", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Round",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("serial", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("nomination", "Nomination round"),
                            ("comments", "Comment round"),
                            ("evaluation", "Evaluation round"),
                            ("follow_up", "Yearly follow-up"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title of the round")),
                ("deadline", models.DateField(verbose_name="deadline")),
                ("cover_letter", models.TextField(blank=True, verbose_name="cover letter")),
                (
                    "reply_address",
                    models.EmailField(
                        blank=True,
                        help_text="E.g. the registry's address.",
                        max_length=254,
                        verbose_name="written answers to",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Being prepared"),
                            ("open", "Open"),
                            ("closed", "Closed"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consultations",
                        to="areas.area",
                    ),
                ),
            ],
            options={
                "verbose_name": "round",
                "verbose_name_plural": "rounds",
                "ordering": ["-deadline"],
            },
        ),
        migrations.CreateModel(
            name="Request",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("serial", models.BigAutoField(primary_key=True, serialize=False)),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "reminded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last reminder"),
                ),
                ("reminder_count", models.PositiveSmallIntegerField(default=0)),
                ("token_hash", models.CharField(blank=True, db_index=True, max_length=64)),
                ("token_expires_at", models.DateTimeField(blank=True, null=True)),
                ("token_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "consultation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="all_requests",
                        to="consultations.round",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consultation_requests",
                        to="parties.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "request",
                "verbose_name_plural": "requests",
                "ordering": ["consultation", "organisation__name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("consultation", "organisation"),
                        name="request_once_per_consultation",
                    )
                ],
            },
        ),
    ]
