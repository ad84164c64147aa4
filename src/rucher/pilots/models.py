"""Pilot programmes: scope, comparison groups, objectives, support log, surveys, lessons,
decision and deployment waves.

The evaluation itself stores nothing: it is computed from the analytics rollups and the
survey answers each time a page or report asks (``evaluation.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PilotStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("pilot status", "Planned")
    RUNNING = "running", pgettext_lazy("pilot status", "Running")
    CLOSED = "closed", pgettext_lazy("pilot status", "Closed")
    DECIDED = "decided", pgettext_lazy("pilot status", "Decided")


class Pilot(models.Model):
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=PilotStatus.choices, default=PilotStatus.PLANNED
    )
    sponsors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sponsored_pilots", blank=True
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="pilot_teams", blank=True)
    # Hours of support per community per month that deployment will give: the level at which
    # the evaluation reads its projection.
    deployment_support_hours = models.DecimalField(
        _("support planned for deployment (hours per community per month)"),
        max_digits=7,
        decimal_places=2,
        default=2,
    )
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pilot programme")
        verbose_name_plural = _("pilot programmes")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="pilot_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SelectionReason(models.TextChoices):
    EXPERIMENT = "experiment", _("An experiment already under way")
    NEED = "need", _("An expressed need")
    DESIGNATED = "designated", _("Designated by the project team")
    VOLUNTEERS = "volunteers", _("Volunteers")
    MATURE = "mature", _("A mature group")
    OTHER = "other", _("Other")


class PilotCommunity(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="pilot_communities")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="pilot_entries"
    )
    reason = models.CharField(
        _("why it was chosen"), max_length=12, choices=SelectionReason.choices
    )
    reason_detail = models.TextField(_("details"), blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pilot community")
        verbose_name_plural = _("pilot communities")
        ordering = ["pilot", "community__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "community"], name="pilot_community_once")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} in pilot {self.pilot_id}"


class BetaUser(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="beta_users")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="beta_of"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("beta user")
        verbose_name_plural = _("beta users")
        ordering = ["pilot", "user__display_name", "id"]
        constraints = [models.UniqueConstraint(fields=["pilot", "user"], name="beta_user_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in pilot {self.pilot_id}"


class ComparisonSource(models.TextChoices):
    CHOSEN = "chosen", _("Chosen by the team")
    SUGGESTED = "suggested", _("Suggested by matching")


class ComparisonGroup(models.Model):
    """A non-pilot community or org unit the pilot is compared with (exactly one of the two)."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="comparison_groups")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=ComparisonSource.choices,
        default=ComparisonSource.CHOSEN,
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        ordering = ["pilot", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(community__isnull=False) & Q(org_unit__isnull=True))
                | (Q(community__isnull=True) & Q(org_unit__isnull=False)),
                name="comparison_community_xor_unit",
            ),
            models.UniqueConstraint(
                fields=["pilot", "community"],
                condition=Q(community__isnull=False),
                name="comparison_community_once",
            ),
            models.UniqueConstraint(
                fields=["pilot", "org_unit"],
                condition=Q(org_unit__isnull=False),
                name="comparison_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return f"comparison {self.community_id or self.org_unit_id} of pilot {self.pilot_id}"


class Objective(models.Model):
    """A business objective in words; its measures link it to KPIs or survey measures."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["pilot", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MeasureKind(models.TextChoices):
    KPI = "kpi", _("Activity KPI")
    SURVEY = "survey", _("Survey measure")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class ObjectiveMeasure(models.Model):
    """One indicator of an objective: a KPI of ``analytics.kpis.KPIS`` or a survey measure
    (``surveys.MEASURES``), with its baseline (measured before the start), target and date."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=8, choices=MeasureKind.choices)
    kpi_key = models.CharField(_("KPI"), max_length=60, blank=True)
    kpi_window = models.PositiveSmallIntegerField(_("window (days)"), null=True, blank=True)
    survey_measure = models.CharField(_("survey measure"), max_length=60, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_start = models.DateField(_("baseline from"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline to"), null=True, blank=True)
    target_value = models.FloatField(_("target"))
    target_date = models.DateField(_("target date"))

    class Meta:
        verbose_name = _("objective measure")
        verbose_name_plural = _("objective measures")
        ordering = ["objective", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="kpi") & ~Q(kpi_key=""))
                | (Q(kind="survey") & ~Q(survey_measure="")),
                name="measure_names_its_indicator",
            )
        ]

    def __str__(self) -> str:
        return self.kpi_key or self.survey_measure


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training")
    COACHING = "coaching", _("Coaching of animators")
    HELP = "help", _("Help request answered")
    EVENT = "event", _("Event")
    SEEDED = "seeded", _("Content seeded by the project team")
    OTHER = "other", _("Other")


class SupportEntry(models.Model):
    """Support given ("accompagnement"): what, when, how long, to whom."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="support_entries")
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: support for the whole pilot."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SupportKind.choices)
    day = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support entry")
        verbose_name_plural = _("support entries")
        ordering = ["pilot", "-day", "-id"]
        indexes = [models.Index(fields=["pilot", "community", "day"])]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="support_hours_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} ({self.hours} h)"


# ---- surveys ---------------------------------------------------------------------------


class Survey(models.Model):
    """A questionnaire of a pilot, sent in waves. Titles and questions are bilingual."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="surveys")
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["pilot", "id"]

    def __str__(self) -> str:
        return self.title_en


class QuestionKind(models.TextChoices):
    LIKERT5 = "likert5", _("Agreement, 1 to 5")
    LIKERT7 = "likert7", _("Agreement, 1 to 7")
    SCALE10 = "scale10", _("Scale, 0 to 10")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_fr = models.TextField(_("question (French)"))
    text_en = models.TextField(_("question (English)"))
    # The measure the question feeds (``surveys.MEASURES``: umux_lite, usefulness, enps...);
    # empty for a question that is only listed.
    measure = models.CharField(_("measure"), max_length=60, blank=True)
    # Choices of single/multiple questions: [{"fr": "...", "en": "..."}, ...]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.text_en[:60]


class WaveKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    MID = "mid", _("Mid-pilot")
    END = "end", _("End of pilot")
    DEPLOYMENT = "deployment", _("Deployment")


class Arm(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    COMPARISON = "comparison", _("Comparison group")


class SurveyWave(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    kind = models.CharField(_("wave"), max_length=10, choices=WaveKind.choices)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"), default=5, help_text=_("0: no reminder.")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ["survey", "opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="wave_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of survey {self.survey_id}"


class WaveInvitation(models.Model):
    """Who was asked and whether they answered — never which answer is theirs."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    arm = models.CharField(_("arm"), max_length=10, choices=Arm.choices)
    invited_at = models.DateTimeField(_("invited at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    responded = models.BooleanField(_("responded"), default=False)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["wave", "id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="invitation_once_per_wave")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} for wave {self.wave_id}"


class SurveyResponse(models.Model):
    """An anonymous response: the arm and the day only (no person, no time of day)."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="responses")
    arm = models.CharField(_("arm"), max_length=10, choices=Arm.choices)
    submitted_on = models.DateField(_("submitted on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["wave", "id"]

    def __str__(self) -> str:
        return f"response {self.pk} to wave {self.wave_id}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.FloatField(null=True, blank=True)  # Likert and 0-10 answers
    choices = models.JSONField(default=list, blank=True)  # choice positions
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"


# ---- lessons, decision, deployment ----------------------------------------------------


class LessonKind(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")


class DeploymentWave(models.Model):
    """Who gets the network when, with what support; measured with the pilot's KPIs."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(_("name"), max_length=160)
    position = models.PositiveIntegerField(default=0)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    support_hours = models.DecimalField(
        _("support (hours per community per month)"), max_digits=7, decimal_places=2
    )
    org_units = models.ManyToManyField("accounts.OrgUnit", related_name="+", blank=True)
    communities = models.ManyToManyField("communities.Community", related_name="+", blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("deployment wave")
        verbose_name_plural = _("deployment waves")
        ordering = ["pilot", "position", "start_date", "id"]

    def __str__(self) -> str:
        return self.name


class Lesson(models.Model):
    """A lesson learned. Successes may enter the best-practice library (for community kinds
    and animators); failures carry an adjustment to the deployment plan."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="lessons")
    kind = models.CharField(_("kind"), max_length=8, choices=LessonKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what happened"))
    community = models.ForeignKey(
        "communities.Community", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    in_library = models.BooleanField(_("in the best-practice library"), default=False)
    # Community kinds (communities.CommunityKind codes) the practice suits; empty = all.
    community_kinds = models.JSONField(_("suits community kinds"), default=list, blank=True)
    adjustment = models.TextField(_("adjustment for deployment"), blank=True)
    wave = models.ForeignKey(
        DeploymentWave,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("deployment wave"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["pilot", "kind", "id"]

    def __str__(self) -> str:
        return self.title


class DecisionOutcome(models.TextChoices):
    GO = "go", _("Go")
    ADJUST = "adjust", _("Adjust")
    STOP = "stop", _("Stop")


class Decision(models.Model):
    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=8, choices=DecisionOutcome.choices)
    rationale = models.TextField(_("rationale"))
    decided_by = models.CharField(
        _("decided by"), max_length=200, help_text=_("The body or people who decided.")
    )
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.outcome} for pilot {self.pilot_id}"
