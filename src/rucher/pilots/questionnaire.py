"""The default perception questionnaire and the measures its answers feed.

Items follow ``shared/reference/measurement.md``: UMUX-Lite, TAM perceived usefulness, UTAUT
social influence and facilitating conditions, behavioural intention, an eNPS-style question,
meta-knowledge after Leonardi (2014) and one free-text question. Every agreement item uses the
same 1–7 scale so that respondents do not have to switch scales in the middle of the page; the
engine also offers 1–5 for questions a pilot team adds.

A *measure* is what the evaluation and the objectives work with: a score per respondent made
from the answers to the questions tagged with the measure's key (``Question.measure``), then
aggregated per group with an interval (``scoring`` says how).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rucher.pilots import stats
from rucher.pilots.models import QuestionKind

NUMERIC_KINDS = (QuestionKind.LIKERT5, QuestionKind.LIKERT7, QuestionKind.SCALE10)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
# Lowest and highest answer of each numeric kind.
RANGES: dict[str, tuple[int, int]] = {
    QuestionKind.LIKERT5: (1, 5),
    QuestionKind.LIKERT7: (1, 7),
    QuestionKind.SCALE10: (0, 10),
}


@dataclass(frozen=True)
class Measure:
    key: str
    label: Promise
    description: Promise
    kind: str  # the question kind every item of the measure must have
    items: int  # how many items make one respondent's score
    scoring: str  # "umux_lite": (i1 + i2 − 2) × 100 / 12; "mean": mean of items; "nps"
    unit: Promise

    @property
    def statistic(self) -> str:
        """How per-respondent scores are aggregated (``stats.did_unpaired`` statistic)."""
        return "nps" if self.scoring == "nps" else "mean"

    def score(self, values: Sequence[float]) -> float | None:
        """One respondent's score from the answers to the measure's items, in question
        order; None when an item is missing (the respondent left an optional item out or
        the team removed an item), so an incomplete score never enters a mean."""
        if len(values) != self.items:
            return None
        if self.scoring == "umux_lite":
            return stats.umux_lite(values[0], values[1])
        if self.scoring == "nps":
            return float(values[0])
        return sum(values) / len(values)

    def aggregate(self, scores: Sequence[float], *, seed: int = 0) -> stats.Interval:
        if self.scoring == "nps":
            return stats.nps(scores, seed=seed)
        return stats.bootstrap_mean(scores, seed=seed)


MEASURES: dict[str, Measure] = {
    measure.key: measure
    for measure in (
        Measure(
            "umux_lite",
            _("Usability (UMUX-Lite)"),
            _("Capabilities meet requirements and ease of use, scored 0 to 100."),
            QuestionKind.LIKERT7,
            2,
            "umux_lite",
            _("score from 0 to 100"),
        ),
        Measure(
            "usefulness",
            _("Perceived usefulness"),
            _("Mean of the two usefulness items (TAM, Davis 1989), 1 to 7."),
            QuestionKind.LIKERT7,
            2,
            "mean",
            _("mean from 1 to 7"),
        ),
        Measure(
            "social_influence",
            _("Support from senior management"),
            _("Senior management has been helpful in the use of the system (UTAUT), 1 to 7."),
            QuestionKind.LIKERT7,
            1,
            "mean",
            _("mean from 1 to 7"),
        ),
        Measure(
            "facilitating_conditions",
            _("Help available"),
            _(
                "Someone is available to help with difficulties (UTAUT), 1 to 7. Asked in "
                "the pilot and again at deployment, it shows the support gap."
            ),
            QuestionKind.LIKERT7,
            1,
            "mean",
            _("mean from 1 to 7"),
        ),
        Measure(
            "intention",
            _("Intention to use"),
            _("I intend to use the system in the next 3 months, 1 to 7."),
            QuestionKind.LIKERT7,
            1,
            "mean",
            _("mean from 1 to 7"),
        ),
        Measure(
            "enps",
            _("Recommendation (eNPS)"),
            _("Promoters (9–10) minus detractors (0–6), in percentage points, −100 to 100."),
            QuestionKind.SCALE10,
            1,
            "nps",
            _("points from −100 to 100"),
        ),
        Measure(
            "who_knows_what",
            _("Knowing who knows what"),
            _("I know who in other departments has expertise I need (Leonardi 2014), 1 to 7."),
            QuestionKind.LIKERT7,
            1,
            "mean",
            _("mean from 1 to 7"),
        ),
        Measure(
            "who_knows_whom",
            _("Knowing who knows whom"),
            _("I know who can introduce me to the right person (Leonardi 2014), 1 to 7."),
            QuestionKind.LIKERT7,
            1,
            "mean",
            _("mean from 1 to 7"),
        ),
    )
}


@dataclass(frozen=True)
class DefaultQuestion:
    kind: str
    measure: str
    text_fr: str
    text_en: str
    required: bool = True


# Question texts are data, not interface strings: they are stored in both languages on the
# survey (and editable there), so they are not wrapped for translation.
DEFAULT_TITLE_FR = "Votre avis sur Rucher"
DEFAULT_TITLE_EN = "Your opinion of Rucher"
DEFAULT_QUESTIONS: tuple[DefaultQuestion, ...] = (
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "umux_lite",
        "Les fonctionnalités de Rucher répondent à mes besoins.",
        "Rucher's capabilities meet my requirements.",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7, "umux_lite", "Rucher est facile à utiliser.", "Rucher is easy to use."
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "usefulness",
        "Utiliser Rucher augmente ma productivité.",
        "Using Rucher increases my productivity.",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "usefulness",
        "Je trouve Rucher utile dans mon travail.",
        "I find Rucher useful in my job.",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "social_influence",
        "La direction m'a aidé·e à utiliser Rucher.",
        "Senior management has been helpful in the use of Rucher.",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "facilitating_conditions",
        "Une personne ou une équipe précise est disponible pour m'aider en cas de difficulté.",
        "A specific person or group is available to help me with difficulties.",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "intention",
        "J'ai l'intention d'utiliser Rucher dans les 3 prochains mois.",
        "I intend to use Rucher in the next 3 months.",
    ),
    DefaultQuestion(
        QuestionKind.SCALE10,
        "enps",
        "Quelle est la probabilité que vous recommandiez Rucher à un ou une collègue ?",
        "How likely are you to recommend Rucher to a colleague?",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "who_knows_what",
        "Je sais qui, dans d'autres services, a l'expertise dont j'ai besoin.",
        "I know who in other departments has expertise on topics I need.",
    ),
    DefaultQuestion(
        QuestionKind.LIKERT7,
        "who_knows_whom",
        "Je sais qui peut me mettre en relation avec la bonne personne.",
        "I know who can introduce me to the right person.",
    ),
    DefaultQuestion(
        QuestionKind.TEXT,
        "",
        "Qu'est-ce qui rendrait Rucher plus utile pour vous ?",
        "What would make Rucher more useful to you?",
        required=False,
    ),
)


def measure_choices() -> list[tuple[str, str]]:
    return [(key, str(measure.label)) for key, measure in MEASURES.items()]
