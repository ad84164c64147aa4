"""The demo organisation's pilot programmes, written through the pilot services.

Three pilots and a first deployment wave, each step at its own moment (``clock.frozen``), so
the event log, the survey answers and the support log carry their original dates:

- **the closed pilot** ("Pilote RSE — communautés de pratique") ran from
  ``PILOT_START_DAYS_AGO`` to ``PILOT_END_DAYS_AGO`` days ago on the six pilot communities of
  the activity plan, whose activity ramps up with it (``activity.pilot_ramp``); comparison
  communities suggested by matching; objectives on KPIs and survey measures; a support log
  heavier on some communities than others (so the projection to deployment has something to
  read); baseline and end-of-pilot survey waves answered by beta users and the comparison
  group; lessons learned; the steering committee's decision; results published;
- **a first deployment wave** under way since ``WAVE_DAYS_AGO`` days, and a second planned;
- **a running pilot** (field sites) half-way through, its mid-pilot wave partly answered;
- **a planned pilot** (partners) that starts next month.

Survey answers are drawn from the seed: a little better at the end than at baseline for the
pilot's beta users (knowing who knows what most of all), unchanged for the comparison group.
Free texts come from a short bilingual list. Nothing here is presented as anything but demo
data: the pilots live in the demo organisation only.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from rucher.core import clock
from rucher.demo.activity import PILOT_END_DAYS_AGO, PILOT_START_DAYS_AGO, pilot_communities

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.demo.generator import OrgPlan
    from rucher.pilots.models import Pilot

WAVE_DAYS_AGO = 20
RUNNING_START_DAYS_AGO = 45
RUNNING_LENGTH_DAYS = 105
PLANNED_IN_DAYS = 30
RESPONSE_RATE = 0.72
REASONS = ("mature", "need", "experiment", "designated", "volunteers", "need")

FREE_TEXTS = {
    "fr": (
        "Plus de formations courtes pour les nouveaux animateurs.",
        "Une application mobile pour les équipes sur le terrain.",
        "Retrouver plus facilement les documents des autres sites.",
        "Des notifications moins nombreuses mais mieux ciblées.",
        "Que nos managers y participent davantage.",
    ),
    "en": (
        "Short training sessions for new animators.",
        "A mobile app for field teams.",
        "Finding documents from other sites more easily.",
        "Fewer, better targeted notifications.",
        "More involvement from our managers.",
    ),
}


@dataclass(frozen=True)
class PilotsSummary:
    pilots: int
    support_entries: int
    responses: int


def _moment(today: datetime.date, days_ago: int, hour: int = 10) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, 0), timezone.get_current_timezone())


def _ambition(kind: str, baseline: float | None, target: float) -> float:
    """A KPI target (a share) a project team would set once it sees the baseline: close a
    third of the gap to 100 %, never below the planned target."""
    if kind != "kpi" or baseline is None:
        return target
    return round(min(0.99, max(target, baseline + (1 - baseline) / 3)), 3)


class _Writer:
    """Writes the pilots for one plan; every call is made at a moment of the plan's past."""

    def __init__(self, plan: OrgPlan, users: Sequence[User]) -> None:
        from rucher.communities.models import Community

        self.plan = plan
        self.users = users
        self.today = plan.today
        self.rng = random.Random(f"pilots-{plan.seed}-{len(plan.people)}")
        self.lead = users[plan.persona_index("project_lead")]
        self.admin = users[plan.persona_index("admin")]
        by_name = {c.name: c for c in Community.objects.all()}
        self.communities = [by_name.get(c.name) for c in plan.communities]
        self.support_entries = 0
        self.responses = 0

    def at(self, days_ago: int, call: Callable[..., Any], /, **kwargs: Any) -> Any:
        with clock.frozen(_moment(self.today, days_ago)):
            return call(**kwargs)

    # ---- the closed pilot

    def closed_pilot(self) -> Pilot:
        from rucher.pilots import deployment, lessons, matching, services

        start, end = PILOT_START_DAYS_AGO, PILOT_END_DAYS_AGO
        pilot = self.at(
            start + 21,
            services.pilot_create,
            actor=self.lead,
            name="Pilote RSE — communautés de pratique",
            purpose=(
                "Vérifier, avant de déployer Rucher à tout le groupe, que des communautés de "
                "pratique font circuler les savoirs entre sites et métiers, répondent vite "
                "aux questions et tiennent sans l'équipe projet."
            ),
            start_date=self.today - datetime.timedelta(days=start),
            end_date=self.today - datetime.timedelta(days=end),
            deployment_support_hours=2,
            sponsor_ids=[self.admin.pk],
            team_ids=[self.lead.pk],
        )
        chosen = [self.communities[i] for i in pilot_communities(self.plan)]
        for position, community in enumerate(c for c in chosen if c is not None):
            self.at(
                start + 20,
                services.pilot_community_add,
                actor=self.lead,
                pilot_id=pilot.pk,
                community_id=community.pk,
                reason=REASONS[position % len(REASONS)],
            )
        self.at(start + 19, services.beta_users_add_members, actor=self.lead, pilot_id=pilot.pk)
        with clock.frozen(_moment(self.today, start + 18)):
            suggestions = matching.suggest_comparisons(pilot, limit=6, viewer=self.lead)
            for suggestion in suggestions:
                services.comparison_add(
                    actor=self.lead,
                    pilot_id=pilot.pk,
                    community_id=suggestion.community.pk,
                    source="suggested",
                )
        self._objectives(pilot, start + 17)
        self.at(
            start, services.pilot_set_status, actor=self.lead, pilot_id=pilot.pk, status="running"
        )
        self._support(pilot, chosen, start, end)
        self._survey(pilot, [("baseline", start + 6, start - 8), ("end", end + 10, end - 4)])
        self.at(
            end - 1, services.pilot_set_status, actor=self.lead, pilot_id=pilot.pk, status="closed"
        )
        self._decide(pilot, end - 3)
        wave = self.at(
            end - 4,
            deployment.wave_create,
            actor=self.lead,
            pilot_id=pilot.pk,
            name="Vague 1 — Production et Maintenance",
            start_date=self.today - datetime.timedelta(days=WAVE_DAYS_AGO),
            end_date=self.today + datetime.timedelta(days=70),
            support_hours=3,
            org_unit_ids=self._wave_units(0),
            community_ids=self._wave_communities(chosen),
            notes=(
                "Animateurs formés avant l'ouverture ; une permanence d'aide par semaine "
                "pendant le premier mois."
            ),
        )
        self.at(
            end - 4,
            deployment.wave_create,
            actor=self.lead,
            pilot_id=pilot.pk,
            name="Vague 2 — Fonctions support et partenaires",
            start_date=self.today + datetime.timedelta(days=75),
            support_hours=2,
            org_unit_ids=self._wave_units(1),
            notes="Périmètre à confirmer après le bilan de la vague 1.",
        )
        self._lessons(pilot, chosen, wave.pk, end - 5, lessons)
        self.at(
            end - 6,
            services.pilot_publish_results,
            actor=self.lead,
            pilot_id=pilot.pk,
            published=True,
        )
        return pilot

    def _decide(self, pilot: Pilot, days_ago: int) -> None:
        from rucher.pilots import deployment

        self.at(
            days_ago,
            deployment.decision_record,
            actor=self.lead,
            pilot_id=pilot.pk,
            outcome="adjust",
            rationale=(
                "Les communautés pilotes ont gagné en activité et en réponses plus que les "
                "communautés comparables, mais une partie de l'effet suit le soutien très "
                "appuyé de l'équipe projet. Déploiement décidé par vagues, avec des animateurs "
                "formés avant chaque ouverture et un soutien réduit mais garanti."
            ),
            decided_by="Comité de pilotage RSE",
            decided_on=self.today - datetime.timedelta(days=days_ago),
        )

    def _objectives(self, pilot: Pilot, days_ago: int) -> None:
        from rucher.pilots import services

        target_date = pilot.end_date
        objectives = (
            (
                "Faire circuler les savoirs entre sites et métiers",
                "Les échanges dépassent les frontières des services.",
                [("kpi", "cross_department_share", 0.35), ("survey", "who_knows_what", 5.0)],
            ),
            (
                "Des réponses rapides aux questions du terrain",
                "Une question posée trouve une réponse, et vite.",
                [("kpi", "response_rate", 0.8)],
            ),
            (
                "Des communautés qui vivent sans l'équipe projet",
                "L'activité vient des membres, pas seulement des animateurs.",
                [("kpi", "organic_share", 0.6), ("kpi", "contributor_rate", 0.3)],
            ),
            (
                "Des utilisateurs convaincus",
                "Les bêta-testeurs trouvent l'outil utile et facile.",
                [("survey", "umux_lite", 70.0), ("survey", "enps", 10.0)],
            ),
        )
        for title, description, measures in objectives:
            objective = self.at(
                days_ago,
                services.objective_create,
                actor=self.lead,
                pilot_id=pilot.pk,
                title=title,
                description=description,
            )
            for kind, key, target in measures:
                measure = self.at(
                    days_ago,
                    services.measure_add,
                    actor=self.lead,
                    objective_id=objective.pk,
                    kind=kind,
                    kpi_key=key if kind == "kpi" else "",
                    survey_measure=key if kind == "survey" else "",
                    target_value=target,
                    target_date=target_date,
                )
                ambition = _ambition(kind, measure.baseline_value, target)
                if ambition != target:
                    self.at(
                        days_ago,
                        services.measure_update,
                        actor=self.lead,
                        measure_id=measure.pk,
                        target_value=ambition,
                    )

    def _support(self, pilot: Pilot, chosen: Sequence[Any], start: int, end: int) -> None:
        """Heavy at the start, then coaching every other week; some communities get much more
        than others (animators who asked for help), as in real pilots."""
        from rucher.pilots.support import support_log

        communities = [c for c in chosen if c is not None]
        appetite = [1.0 + 1.5 * self.rng.random() for _ in communities]
        self.at(
            start - 2,
            support_log,
            actor=self.lead,
            pilot_id=pilot.pk,
            kind="training",
            day=self.today - datetime.timedelta(days=start - 2),
            hours=6,
            people_reached=sum(c.memberships.count() for c in communities) // 2,
            description="Formation de lancement pour les animateurs et les bêta-testeurs.",
        )
        for days_ago in range(start - 5, end, -7):
            for community, weight in zip(communities, appetite, strict=True):
                if self.rng.random() > 0.35 * weight:
                    continue
                kind = self.rng.choice(("coaching", "coaching", "help", "seeded", "event"))
                hours = round(self.rng.choice((0.5, 1, 1.5, 2)) * weight, 1)
                self.at(
                    days_ago,
                    support_log,
                    actor=self.lead,
                    pilot_id=pilot.pk,
                    kind=kind,
                    day=self.today - datetime.timedelta(days=days_ago),
                    hours=hours,
                    people_reached=self.rng.randint(1, 8),
                    community_id=community.pk,
                    description=SUPPORT_TEXTS[kind],
                )
                self.support_entries += 1
        self.support_entries += 1

    def _survey(self, pilot: Pilot, waves: Sequence[tuple[str, int, int]]) -> None:
        """``waves``: (kind, opens days ago, closes days ago); answered by most invitees."""
        from rucher.pilots import surveys
        from rucher.pilots.models import WaveInvitation

        survey = self.at(waves[0][1] + 1, surveys.survey_create, actor=self.lead, pilot_id=pilot.pk)
        questions = list(survey.questions.order_by("position", "id"))
        for number, (kind, opens, closes) in enumerate(waves):
            wave = self.at(
                opens,
                surveys.wave_create,
                actor=self.lead,
                survey_id=survey.pk,
                kind=kind,
                opens_at=_moment(self.today, opens, 8),
                closes_at=_moment(self.today, closes, 18),
            )
            self.at(opens, surveys.wave_send, actor=self.lead, wave_id=wave.pk)
            later = number > 0
            invitations = WaveInvitation.objects.filter(wave=wave).select_related("user")
            for invitation in invitations.order_by("id"):
                if self.rng.random() > RESPONSE_RATE:
                    continue
                # Between the opening and the closing, never today: the demo's past only.
                days_ago = self.rng.randint(min(max(closes + 1, 1), opens), opens)
                answers = self._answers(questions, invitation.arm == "pilot" and later)
                self.at(
                    days_ago,
                    surveys.response_submit,
                    user=invitation.user,
                    wave_id=wave.pk,
                    answers=answers,
                )
                self.responses += 1

    def _answers(self, questions: Sequence[Any], improved: bool) -> dict[int, object]:
        rng = self.rng
        lift = {"who_knows_what": 1.4, "who_knows_whom": 0.9, "usefulness": 0.6, "umux_lite": 0.5}
        answers: dict[int, object] = {}
        for question in questions:
            if question.kind == "likert7":
                centre = 4.3 + (lift.get(question.measure, 0.3) if improved else 0.0)
                answers[question.pk] = max(1, min(7, round(rng.gauss(centre, 1.2))))
            elif question.kind == "likert5":
                answers[question.pk] = max(1, min(5, round(rng.gauss(3.2, 1.0))))
            elif question.kind == "scale10":
                centre = 6.6 + (1.2 if improved else 0.0)
                answers[question.pk] = max(0, min(10, round(rng.gauss(centre, 2.0))))
            elif question.kind == "text" and rng.random() < 0.3:
                language = rng.choice(("fr", "fr", "en"))
                answers[question.pk] = rng.choice(FREE_TEXTS[language])
        return answers

    def _lessons(
        self, pilot: Pilot, chosen: Sequence[Any], wave_id: int, days_ago: int, lessons: Any
    ) -> None:
        first = next((c for c in chosen if c is not None), None)
        entries = (
            {
                "kind": "success",
                "title": "Une question de la semaine, posée par l'animateur",
                "body": (
                    "Chaque lundi, l'animateur pose une question concrète du métier et "
                    "mentionne deux personnes qui savent. Les réponses arrivent dans la "
                    "journée et des collègues d'autres sites s'en mêlent."
                ),
                "in_library": True,
                "community_id": first.pk if first is not None else None,
            },
            {
                "kind": "success",
                "title": "Accepter une réponse pour clore une question",
                "body": (
                    "Marquer la réponse acceptée rend la solution visible aux suivants ; les "
                    "questions non résolues restent dans la liste « sans réponse » que "
                    "l'animateur relit chaque vendredi."
                ),
                "in_library": True,
            },
            {
                "kind": "success",
                "title": "Un binôme d'animation pour les communautés de plus de 40 membres",
                "body": (
                    "Deux animateurs se relaient : l'activité ne retombe pas pendant les congés."
                ),
                "in_library": True,
                "community_kinds": ["best_practice", "profession"],
            },
            {
                "kind": "failure",
                "title": "Des managers absents des échanges",
                "body": (
                    "Peu de managers ont posté ou réagi ; plusieurs bêta-testeurs disent ne pas "
                    "savoir si le temps passé sur Rucher est reconnu."
                ),
                "adjustment": (
                    "Chaque vague commence par une session avec les managers des unités "
                    "concernées ; un message de la direction ouvre la vague."
                ),
                "wave_id": wave_id,
            },
            {
                "kind": "failure",
                "title": "Un soutien que le déploiement ne pourra pas offrir",
                "body": (
                    "Les communautés les plus aidées sont aussi les plus actives ; au rythme "
                    "du pilote, le déploiement demanderait une équipe projet trois fois plus "
                    "grande."
                ),
                "adjustment": (
                    "Former les animateurs avant l'ouverture plutôt que les accompagner "
                    "chaque semaine ; permanence d'aide mutualisée."
                ),
                "wave_id": wave_id,
            },
        )
        from rucher.pilots.models import LessonKind

        for entry in entries:
            assert entry["kind"] in LessonKind.values
            self.at(days_ago, lessons.lesson_create, actor=self.lead, pilot_id=pilot.pk, **entry)

    def _wave_units(self, position: int) -> list[int]:
        """The ``position``-th division (the last one when there are fewer)."""
        from rucher.accounts.models import OrgUnit

        divisions = list(
            OrgUnit.objects.filter(kind="division")
            .order_by("name", "id")
            .values_list("pk", flat=True)
        )
        return divisions[min(position, len(divisions) - 1) :][:1] if divisions else []

    def _wave_communities(self, chosen: Sequence[Any]) -> list[int]:
        taken = {c.pk for c in chosen if c is not None}
        others = [
            c
            for c in self.communities
            if c is not None
            and c.pk not in taken
            and c.archived_at is None
            and c.visibility != "secret"
        ]
        return [c.pk for c in others[:4]]

    # ---- the running and the planned pilots

    def running_pilot(self, closed: Pilot) -> Pilot:
        from rucher.pilots import services
        from rucher.pilots.models import ComparisonGroup, PilotCommunity

        start = RUNNING_START_DAYS_AGO
        pilot = self.at(
            start + 14,
            services.pilot_create,
            actor=self.lead,
            name="Pilote Terrain — sites industriels",
            purpose=(
                "Mesurer ce que Rucher apporte aux équipes de terrain des sites : entraide "
                "entre sites, questions de sécurité et de maintenance résolues plus vite."
            ),
            start_date=self.today - datetime.timedelta(days=start),
            end_date=self.today + datetime.timedelta(days=RUNNING_LENGTH_DAYS - start),
            deployment_support_hours=2,
            team_ids=[self.lead.pk],
        )
        used = set(
            PilotCommunity.objects.filter(pilot=closed).values_list("community_id", flat=True)
        )
        used |= set(
            ComparisonGroup.objects.filter(pilot=closed, community__isnull=False).values_list(
                "community_id", flat=True
            )
        )
        candidates = [
            c
            for c in self.communities
            if c is not None
            and c.pk not in used
            and c.archived_at is None
            and c.visibility == "open"
        ]
        for community in candidates[:3]:
            self.at(
                start + 10,
                services.pilot_community_add,
                actor=self.lead,
                pilot_id=pilot.pk,
                community_id=community.pk,
                reason="need",
                reason_detail="Demande exprimée par les responsables de site.",
            )
        for community in candidates[3:6]:
            self.at(
                start + 9,
                services.comparison_add,
                actor=self.lead,
                pilot_id=pilot.pk,
                community_id=community.pk,
            )
        self.at(start + 9, services.beta_users_add_members, actor=self.lead, pilot_id=pilot.pk)
        objective = self.at(
            start + 8,
            services.objective_create,
            actor=self.lead,
            pilot_id=pilot.pk,
            title="Des questions de terrain résolues plus vite",
        )
        self.at(
            start + 8,
            services.measure_add,
            actor=self.lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="question_resolution",
            target_value=0.7,
            target_date=pilot.end_date,
        )
        self.at(
            start, services.pilot_set_status, actor=self.lead, pilot_id=pilot.pk, status="running"
        )
        self._support(pilot, list(candidates[:3]), start, 1)
        self._survey(pilot, [("baseline", start + 5, start - 9), ("mid", 10, -6)])
        return pilot

    def planned_pilot(self) -> Pilot:
        from rucher.pilots import services

        return self.at(
            3,
            services.pilot_create,
            actor=self.lead,
            name="Pilote Partenaires — espaces invités",
            purpose=(
                "Ouvrir deux communautés projet aux partenaires extérieurs invités et vérifier "
                "que les échanges avec eux passent de l'e-mail à Rucher."
            ),
            start_date=self.today + datetime.timedelta(days=PLANNED_IN_DAYS),
            end_date=self.today + datetime.timedelta(days=PLANNED_IN_DAYS + 120),
            deployment_support_hours=1.5,
            team_ids=[self.lead.pk],
        )


SUPPORT_TEXTS = {
    "coaching": (
        "Point d'animation avec l'animateur : sujets à lancer, questions restées sans réponse."
    ),
    "help": "Réponse à une demande d'aide (droits, notifications, documents).",
    "seeded": "Publication d'un premier contenu par l'équipe projet pour lancer un sujet.",
    "event": "Atelier en ligne d'une heure avec les membres de la communauté.",
}


def load_pilots(plan: OrgPlan, users: Sequence[User]) -> PilotsSummary:
    """Write the demo's pilots. The analytics rollups must be current (baselines and
    matching read them): the caller runs the event consumers first."""
    writer = _Writer(plan, users)
    closed = writer.closed_pilot()
    writer.running_pilot(closed)
    writer.planned_pilot()
    return PilotsSummary(
        pilots=3, support_entries=writer.support_entries, responses=writer.responses
    )
