"""Six months of conversations in the demo organisation, written through the content services.

Like the organisation (``generator``), the activity is first drawn as a pure plan from the seed
(``plan_activity``: no database, same seed, size and day, same plan), then written by
``load_activity`` with ``rucher.content.services``, so the event log holds every post, comment,
reaction, vote, answer and status change exactly as if people had done it in Rucher.

Each write happens at its planned moment: ``rucher.core.clock.frozen`` stamps the event log
(and every service that asks ``clock.now()``) with the original time; rows a service still
stamps with the wall clock are given their planned time right after the load
(``_Backdater``), the one write outside the services, which changes no fact the log tells
differently.

Shapes, as in a real enterprise social network:

- a few very active people and many readers: posting weights follow a Zipf law over a shuffled
  order of people, and about half the people never post (they react, vote and answer polls);
- lively, steady, quiet and dormant communities; the six *pilot* communities
  (``pilot_communities``) are the busiest, as the pilot will later measure them;
- people from other departments comment in open communities; profile posts get answers from
  followers and teammates;
- every type: discussions; questions, most answered, many with an accepted answer, some never
  answered; ideas with votes moving through their statuses with official responses; polls with
  votes, closed or still open; events with RSVPs, past and upcoming; announcements pinned by
  animators (the older ones unpinned) with read confirmations;
- texts from bilingual templates about the company's topics (maintenance, safety, onboarding,
  customer projects...), in the community's language or the writer's, with mentions and
  hashtags. Activity grows over the months as the platform is adopted.
"""

from __future__ import annotations

import datetime
import random
import time
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from rucher.accounts.models import Role
from rucher.core.progress import SupportsWrite, reporter
from rucher.demo import names

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.demo.generator import CommunityPlan, OrgPlan

ACTIVITY_DAYS = 182  # six months, ending the day before the plan's day
PILOT_SIZE = 6
# Posts over the six months per person of the organisation (all communities and profiles).
POSTS_PER_PERSON = 1.5
PROFILE_SHARE = 0.08  # of the posts, on the authors' profiles
READER_SHARE = 0.5  # people who never post
ZIPF_EXPONENT = 1.1
PILOT_BOOST = 3.0
# The demo's closed pilot ran from PILOT_START to PILOT_END days ago (``rucher.demo.pilots``).
# Its communities were already livelier than most (they were chosen for it: a selection bias
# the evaluation must see), got much livelier with the pilot's support, and kept part of it
# once the support ended. Weights relative to the pilot months.
PILOT_START_DAYS_AGO = 120
PILOT_END_DAYS_AGO = 30
PILOT_RAMP = {"before": 0.4, "during": 1.0, "after": 0.75}
DEPARTED_QUIET_DAYS = 75  # people who left wrote nothing in their last weeks

# Liveliness of the other communities: (share, weight).
LIVELINESS = (("lively", 0.2, 1.0), ("steady", 0.4, 0.45), ("quiet", 0.25, 0.15))
DORMANT_WEIGHT = 0.05  # the rest: a handful of early posts, then nothing

TYPE_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    names.PROJECT: (
        ("discussion", 40),
        ("question", 18),
        ("event", 10),
        ("poll", 10),
        ("idea", 10),
        ("announcement", 12),
    ),
    names.PROFESSION: (
        ("discussion", 38),
        ("question", 30),
        ("idea", 10),
        ("poll", 8),
        ("event", 8),
        ("announcement", 6),
    ),
    names.BEST_PRACTICE: (
        ("discussion", 34),
        ("question", 20),
        ("idea", 20),
        ("poll", 8),
        ("event", 8),
        ("announcement", 10),
    ),
    names.INTEREST: (
        ("discussion", 40),
        ("question", 10),
        ("poll", 16),
        ("event", 26),
        ("idea", 4),
        ("announcement", 4),
    ),
    "profile": (("discussion", 85), ("question", 15)),
}

REACTIONS = (("like", 50), ("thanks", 20), ("insightful", 13), ("support", 10), ("curious", 7))
ANSWER_REACTIONS = (("thanks", 45), ("like", 30), ("insightful", 25))


# ---------------------------------------------------------------- texts

# A topic: what people talk about, by language. Templates below fill ``{subject}``,
# ``{idea}``, ``{tags}`` and ``{site}`` from it.


@dataclass(frozen=True)
class Topic:
    key: str
    tags: dict[str, tuple[str, ...]]
    subjects: dict[str, tuple[str, ...]]
    ideas: dict[str, tuple[str, ...]]
    polls: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)


def _t(fr: Sequence[Any], en: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    return {"fr": tuple(fr), "en": tuple(en)}


TOPICS: dict[str, Topic] = {
    topic.key: topic
    for topic in (
        Topic(
            "maintenance",
            _t(["#maintenance", "#GMAO", "#fiabilité"], ["#maintenance", "#reliability"]),
            _t(
                [
                    "le plan de graissage des presses",
                    "les arrêts non planifiés de la ligne 3",
                    "les capteurs de vibration sur les compresseurs",
                    "la gestion des pièces de rechange",
                    "les bons de travail dans la GMAO",
                    "la maintenance de premier niveau par les opérateurs",
                ],
                [
                    "the lubrication plan for the presses",
                    "unplanned stops on line 3",
                    "vibration sensors on the compressors",
                    "spare parts management",
                    "work orders in the CMMS",
                    "first-level maintenance by operators",
                ],
            ),
            _t(
                [
                    "Afficher l'historique des pannes sur chaque machine avec un QR code",
                    "Un stock partagé de pièces critiques entre Lyon et Paris",
                    "Former les opérateurs à l'analyse vibratoire de base",
                ],
                [
                    "Show each machine's breakdown history through a QR code",
                    "A shared stock of critical spare parts between sites",
                    "Basic vibration analysis training for operators",
                ],
            ),
        ),
        Topic(
            "safety",
            _t(["#sécurité", "#prévention", "#EPI"], ["#safety", "#prevention"]),
            _t(
                [
                    "le port des EPI en zone logistique",
                    "les presqu'accidents du trimestre",
                    "le quart d'heure sécurité du lundi",
                    "la circulation des chariots dans l'entrepôt",
                    "les exercices d'évacuation",
                    "le travail en hauteur",
                ],
                [
                    "PPE in the logistics area",
                    "this quarter's near misses",
                    "the Monday safety briefing",
                    "forklift traffic in the warehouse",
                    "evacuation drills",
                    "working at height",
                ],
            ),
            _t(
                [
                    "Un marquage au sol renforcé aux croisements chariots-piétons",
                    "Signaler un presqu'accident en deux clics depuis le téléphone",
                    "Un challenge inter-sites des jours sans accident",
                ],
                [
                    "Stronger floor marking where forklifts cross walkways",
                    "Report a near miss in two taps from a phone",
                    "A cross-site challenge for accident-free days",
                ],
            ),
        ),
        Topic(
            "onboarding",
            _t(["#intégration", "#nouveauxarrivants", "#mentorat"], ["#onboarding", "#mentoring"]),
            _t(
                [
                    "le parcours d'intégration des nouveaux arrivants",
                    "le livret d'accueil",
                    "le parrainage pendant les trois premiers mois",
                    "la journée découverte des sites",
                    "l'accès aux outils dès le premier jour",
                ],
                [
                    "the onboarding path for newcomers",
                    "the welcome booklet",
                    "buddying during the first three months",
                    "the site discovery day",
                    "access to tools on day one",
                ],
            ),
            _t(
                [
                    "Un café d'accueil mensuel pour les nouveaux de tous les sites",
                    "Une carte interactive « qui fait quoi » pour les nouveaux",
                    "Un kit d'accès prêt la veille de l'arrivée",
                ],
                [
                    "A monthly welcome coffee for newcomers of every site",
                    "An interactive 'who does what' map for newcomers",
                    "Accounts and badge ready the day before someone starts",
                ],
            ),
        ),
        Topic(
            "customer",
            _t(["#client", "#projetclient", "#satisfaction"], ["#customer", "#CX"]),
            _t(
                [
                    "le lancement du projet pour le client Vectis",
                    "le suivi des réclamations clients",
                    "l'enquête de satisfaction annuelle",
                    "les délais de réponse aux appels d'offres",
                    "le nouveau portail client",
                    "la revue de projet avec le client",
                ],
                [
                    "the kick-off of the Vectis customer project",
                    "customer complaint follow-up",
                    "the yearly satisfaction survey",
                    "response times on tenders",
                    "the new customer portal",
                    "the project review with the customer",
                ],
            ),
            _t(
                [
                    "Un tableau de bord partagé des réclamations ouvertes",
                    "Inviter un client témoin à notre séminaire",
                    "Des modèles de réponse aux appels d'offres mis en commun",
                ],
                [
                    "A shared dashboard of open complaints",
                    "Invite a reference customer to our seminar",
                    "Shared templates for tender answers",
                ],
            ),
        ),
        Topic(
            "quality",
            _t(["#qualité", "#lean", "#amélioration"], ["#quality", "#lean"]),
            _t(
                [
                    "l'audit ISO 9001 de mars",
                    "les chantiers 5S de l'atelier",
                    "les non-conformités fournisseurs",
                    "le rituel de résolution de problèmes",
                    "les indicateurs de performance de la ligne",
                ],
                [
                    "the ISO 9001 audit in March",
                    "5S workshops on the shop floor",
                    "supplier non-conformities",
                    "our problem-solving routine",
                    "line performance indicators",
                ],
            ),
            _t(
                [
                    "Partager nos standards 5S en photos entre sites",
                    "Un tableau unique des actions correctives",
                    "Des audits croisés entre Lyon et Paris",
                ],
                [
                    "Share our 5S standards as photos between sites",
                    "One board for every corrective action",
                    "Cross audits between sites",
                ],
            ),
        ),
        Topic(
            "it",
            _t(["#informatique", "#outils", "#cybersécurité"], ["#IT", "#tools", "#security"]),
            _t(
                [
                    "la migration vers Windows 11",
                    "l'authentification à deux facteurs",
                    "le nouvel ERP",
                    "les sauvegardes des postes nomades",
                    "le hameçonnage reçu cette semaine",
                    "les outils de visio en salle de réunion",
                ],
                [
                    "the move to Windows 11",
                    "two-factor authentication",
                    "the new ERP",
                    "backups of laptops",
                    "this week's phishing e-mail",
                    "video tools in meeting rooms",
                ],
            ),
            _t(
                [
                    "Une FAQ vivante des questions posées au support",
                    "Des « cafés numériques » pour prendre en main les outils",
                    "Un bouton « signaler un hameçonnage » dans la messagerie",
                ],
                [
                    "A living FAQ of the questions the help desk gets",
                    "Digital coffees to learn the tools together",
                    "A 'report phishing' button in the mailbox",
                ],
            ),
        ),
        Topic(
            "data",
            _t(["#data", "#PowerBI", "#IA"], ["#data", "#AI", "#PowerBI"]),
            _t(
                [
                    "le tableau de bord de production",
                    "la qualité des données articles",
                    "les cas d'usage de l'IA générative",
                    "la prévision de la demande",
                    "les requêtes SQL lentes sur l'entrepôt",
                ],
                [
                    "the production dashboard",
                    "item master data quality",
                    "generative AI use cases",
                    "demand forecasting",
                    "slow SQL queries on the warehouse",
                ],
            ),
            _t(
                [
                    "Un catalogue des jeux de données disponibles",
                    "Un Data Lunch ouvert à tous chaque mois",
                    "Des modèles Power BI communs à tous les sites",
                ],
                [
                    "A catalogue of the datasets we have",
                    "A monthly Data Lunch open to everyone",
                    "Shared Power BI templates for every site",
                ],
            ),
        ),
        Topic(
            "esn",
            _t(["#Rucher", "#adoption", "#communautés"], ["#Rucher", "#adoption"]),
            _t(
                [
                    "l'animation d'une communauté au quotidien",
                    "les premiers retours sur Rucher",
                    "les bonnes pratiques pour poser une question",
                    "la charte des communautés",
                    "les notifications et comment les régler",
                ],
                [
                    "running a community day to day",
                    "first feedback on Rucher",
                    "good practice for asking a question",
                    "the community charter",
                    "notifications and how to tune them",
                ],
            ),
            _t(
                [
                    "Un guide d'une page pour les nouveaux animateurs",
                    "Mettre en avant une communauté par mois",
                    "Une permanence « Rucher » chaque mardi midi",
                ],
                [
                    "A one-page guide for new animators",
                    "Feature one community each month",
                    "A Rucher drop-in session every Tuesday lunchtime",
                ],
            ),
        ),
        Topic(
            "green",
            _t(["#sobriété", "#RSE", "#mobilité"], ["#sustainability", "#CSR"]),
            _t(
                [
                    "la consommation d'énergie des bâtiments",
                    "le covoiturage entre Lyon et le site de Saint-Priest",
                    "le tri des déchets à l'atelier",
                    "les achats responsables",
                    "le plan vélo",
                ],
                [
                    "energy use in our buildings",
                    "car sharing to the Saint-Priest site",
                    "waste sorting in the workshop",
                    "responsible purchasing",
                    "the cycling plan",
                ],
            ),
            _t(
                [
                    "Éteindre automatiquement les écrans le soir",
                    "Un parking vélo couvert à Paris",
                    "Un défi inter-équipes des économies d'énergie",
                ],
                [
                    "Switch screens off automatically at night",
                    "Covered bike parking at every site",
                    "An energy-saving challenge between teams",
                ],
            ),
        ),
        Topic(
            "people",
            _t(["#management", "#RH", "#compétences"], ["#management", "#HR", "#skills"]),
            _t(
                [
                    "les entretiens annuels",
                    "le télétravail dans les équipes",
                    "le plan de formation",
                    "la reconnaissance au quotidien",
                    "les rituels d'équipe",
                ],
                [
                    "annual reviews",
                    "remote work in teams",
                    "the training plan",
                    "everyday recognition",
                    "team rituals",
                ],
            ),
            _t(
                [
                    "Des binômes entre managers de sites différents",
                    "Un temps d'échange trimestriel entre managers",
                    "Un annuaire des compétences rares",
                ],
                [
                    "Pairs of managers from different sites",
                    "A quarterly exchange between managers",
                    "A directory of rare skills",
                ],
            ),
        ),
        Topic(
            "projects",
            _t(["#projet", "#agilité", "#planning"], ["#project", "#agile"]),
            _t(
                [
                    "le planning du lot 2",
                    "la revue de sprint de vendredi",
                    "les risques identifiés au comité de pilotage",
                    "la recette utilisateur",
                    "le retour d'expérience de la phase pilote",
                    "la conduite du changement",
                ],
                [
                    "the schedule for phase 2",
                    "Friday's sprint review",
                    "the risks raised at the steering committee",
                    "user acceptance testing",
                    "lessons learnt from the pilot phase",
                    "change management",
                ],
            ),
            _t(
                [
                    "Une démo ouverte à tous à la fin de chaque lot",
                    "Un tableau des décisions partagé avec les métiers",
                    "Des ambassadeurs du projet dans chaque site",
                ],
                [
                    "An open demo at the end of each phase",
                    "A decision log shared with the business",
                    "Project ambassadors on every site",
                ],
            ),
        ),
        Topic(
            "club",
            _t(["#club", "#afterwork"], ["#club", "#afterwork"]),
            _t(
                [
                    "la sortie du mois",
                    "le prochain rendez-vous du club",
                    "le matériel à partager",
                    "les photos de samedi",
                    "le créneau du jeudi midi",
                ],
                [
                    "this month's outing",
                    "the club's next meet-up",
                    "sharing equipment",
                    "Saturday's photos",
                    "the Thursday lunchtime slot",
                ],
            ),
            _t(
                [
                    "Une sortie commune avec l'antenne de Paris",
                    "Une boîte à prêt de matériel à l'accueil",
                    "Ouvrir le club aux familles une fois par trimestre",
                ],
                [
                    "A joint outing with the Paris chapter",
                    "An equipment lending box at reception",
                    "Open the club to families once a quarter",
                ],
            ),
        ),
    )
}

# Which topics a community talks about, from words of its name; then its kind.
TOPIC_WORDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("maintenance",), ("maintenance", "quality")),
    (("sécurité au travail",), ("safety",)),
    (("intégration", "mentorat", "arrivants"), ("onboarding", "people")),
    (("client", "customer", "export", "comptes", "marketing"), ("customer", "projects")),
    (("qualité", "lean", "audit"), ("quality", "maintenance")),
    (("windows", "cloud", "cyber", "erp", "informatique", "télétravail", "python"), ("it",)),
    (("data", "ia", "excel", "power bi"), ("data", "it")),
    (("rucher", "animateurs"), ("esn",)),
    (("sobriété", "vélotaf", "covoiturage", "achats"), ("green",)),
    (("managers", "comité", "rh", "diversité", "boussole", "parole", "parents"), ("people",)),
    (("supply", "cao", "r&d", "finance", "hackathon", "agilité", "orion"), ("projects",)),
)
KIND_TOPICS = {
    names.PROJECT: ("projects",),
    names.PROFESSION: ("projects", "people"),
    names.BEST_PRACTICE: ("quality", "people"),
    names.INTEREST: ("club",),
}
PROFILE_TOPICS = ("maintenance", "safety", "customer", "quality", "it", "data", "projects", "esn")

DISCUSSIONS = _t(
    [
        (
            "Retour d'expérience : {subject}",
            "Nous avons revu notre façon de gérer {subject} le mois dernier. Ce qui a marché : "
            "des points courts chaque semaine et un seul tableau de suivi. Ce qui coince encore : "
            "les validations. Vos retours sont bienvenus ! {tags}",
        ),
        (
            "",
            "Petit point d'étape sur {subject} : on avance bien à {site}, mais on aimerait "
            "comparer avec les autres sites. Comment faites-vous ? {tags}",
        ),
        (
            "Ce que j'ai retenu de l'atelier sur {subject}",
            "Trois idées à retenir :\n\n1. partir des irritants du terrain ;\n2. mesurer avant "
            "de changer ;\n3. partager tôt, même imparfait.\n\nLe support est dans l'espace "
            "documentaire. {tags}",
        ),
        (
            "",
            "Je partage un article intéressant sur {subject}. Certaines pistes pourraient "
            "s'appliquer chez nous, qu'en pensez-vous ? {tags}",
        ),
        (
            "Bonne nouvelle sur {subject}",
            "Après plusieurs semaines d'efforts, l'équipe a bouclé la première étape. Merci à "
            "toutes celles et ceux qui ont donné un coup de main ! {tags}",
        ),
    ],
    [
        (
            "Lessons learnt: {subject}",
            "We changed the way we handle {subject} last month. What worked: short weekly "
            "check-ins and a single tracking board. Still tricky: approvals. Feedback welcome! "
            "{tags}",
        ),
        (
            "",
            "Quick update on {subject}: things are moving in {site}, but we would love to "
            "compare notes with other sites. How do you do it? {tags}",
        ),
        (
            "My takeaways from the workshop on {subject}",
            "Three things to remember:\n\n1. start from what annoys people on the ground;\n"
            "2. measure before changing;\n3. share early, even if imperfect.\n\nSlides are in "
            "the document space. {tags}",
        ),
        (
            "",
            "Sharing an interesting article about {subject}. Some ideas could work here too, "
            "what do you think? {tags}",
        ),
        (
            "Good news on {subject}",
            "After weeks of effort the team has completed the first step. Thanks to everyone "
            "who helped! {tags}",
        ),
    ],
)
QUESTIONS = _t(
    [
        (
            "Quelqu'un a déjà travaillé sur {subject} ?",
            "Je dois m'occuper de {subject} et je pars de zéro. Un conseil, un contact ou un "
            "modèle de document ? Merci d'avance ! {tags}",
        ),
        (
            "Qui contacter pour {subject} ?",
            "Je ne sais pas à qui m'adresser à {site} pour {subject}. Une idée ? {tags}",
        ),
        (
            "Comment gérez-vous {subject} ?",
            "Chez nous c'est encore très manuel. Vous avez un outil ou une méthode à "
            "recommander ? {tags}",
        ),
    ],
    [
        (
            "Has anyone worked on {subject}?",
            "I have to take care of {subject} and I'm starting from scratch. Any advice, contact "
            "or template? Thanks in advance! {tags}",
        ),
        (
            "Who should I contact about {subject}?",
            "I don't know who to ask in {site} about {subject}. Any idea? {tags}",
        ),
        (
            "How do you handle {subject}?",
            "It is still very manual in our team. Any tool or method you would recommend? {tags}",
        ),
    ],
)
IDEA_BODIES = _t(
    [
        "Proposition : {idea_l}. Cela ferait gagner du temps à tout le monde et éviterait "
        "les oublis. Votez si vous êtes pour ! {tags}",
        "Et si on essayait ceci : {idea_l} ? On pourrait commencer petit, sur un site, et "
        "mesurer. {tags}",
    ],
    [
        "Proposal: {idea_l}. It would save everyone time and avoid things slipping through. "
        "Vote if you agree! {tags}",
        "What if we tried this: {idea_l}? We could start small on one site and measure. {tags}",
    ],
)
IDEA_RESPONSES: dict[str, dict[str, tuple[str, ...]]] = {
    "under_review": _t(
        ["Merci pour cette idée ! Nous l'étudions avec les équipes concernées."],
        ["Thanks for this idea! We are looking into it with the teams concerned."],
    ),
    "planned": _t(
        [
            "Bonne nouvelle : c'est prévu pour le prochain trimestre. Nous tiendrons cette "
            "discussion informée.",
        ],
        ["Good news: this is planned for next quarter. We will keep this thread posted."],
    ),
    "done": _t(
        ["C'est en place depuis cette semaine. Merci à tous pour vos votes !"],
        ["This is live as of this week. Thanks everyone for voting!"],
    ),
    "declined": _t(
        [
            "Nous ne retenons pas cette idée pour l'instant : le coût est trop élevé au regard "
            "du gain. Merci quand même, la discussion reste ouverte.",
        ],
        [
            "We are not taking this forward for now: the cost is too high for the benefit. "
            "Thanks all the same, the discussion stays open.",
        ],
    ),
}
POLLS = _t(
    [
        (
            "Quel format pour notre prochain point sur {subject} ?",
            ("Présentiel", "Visio", "Hybride"),
        ),
        (
            "Quel créneau vous convient pour parler de {subject} ?",
            ("Mardi matin", "Mercredi midi", "Jeudi après-midi", "Vendredi matin"),
        ),
        (
            "Quelle priorité pour le trimestre ?",
            ("{subject}", "La formation", "Les outils", "La communication entre sites"),
        ),
    ],
    [
        (
            "Which format for our next session on {subject}?",
            ("In person", "Video call", "Hybrid"),
        ),
        (
            "Which slot suits you to discuss {subject}?",
            ("Tuesday morning", "Wednesday lunchtime", "Thursday afternoon", "Friday morning"),
        ),
        (
            "What should be our priority this quarter?",
            ("{subject}", "Training", "Tools", "Communication between sites"),
        ),
    ],
)
EVENTS = _t(
    [
        (
            "Atelier : {subject}",
            "Un atelier d'une heure pour échanger sur {subject}, avec des retours concrets de "
            "plusieurs équipes. Ouvert à tous, inscrivez-vous ! {tags}",
        ),
        (
            "Café-échange : {subject}",
            "On se retrouve autour d'un café pour parler de {subject}. Venez avec vos "
            "questions ! {tags}",
        ),
        (
            "Visite de site et {subject}",
            "Visite guidée puis échange sur {subject}. Places limitées : répondez pour qu'on "
            "prévoie le nécessaire. {tags}",
        ),
    ],
    [
        (
            "Workshop: {subject}",
            "A one-hour workshop on {subject}, with practical feedback from several teams. "
            "Everyone welcome, please RSVP! {tags}",
        ),
        (
            "Coffee chat: {subject}",
            "Let's meet over coffee to talk about {subject}. Bring your questions! {tags}",
        ),
        (
            "Site visit and {subject}",
            "Guided tour followed by a discussion on {subject}. Limited places: please answer "
            "so we can plan. {tags}",
        ),
    ],
)
ANNOUNCEMENTS = _t(
    [
        (
            "Important : nouvelle organisation pour {subject}",
            "À partir du mois prochain, {subject} suit une nouvelle procédure, décrite dans la "
            "note jointe à l'espace documentaire. Merci d'en prendre connaissance. {tags}",
        ),
        (
            "Bienvenue dans la communauté !",
            "Cette communauté rassemble celles et ceux qui s'intéressent à {subject}. Lisez la "
            "charte, présentez-vous en commentaire et n'hésitez pas à poser vos questions.",
        ),
        (
            "Rappel : {subject}",
            "Petit rappel des règles pour {subject}. Elles s'appliquent à tous les sites, "
            "merci de les relayer dans vos équipes. {tags}",
        ),
    ],
    [
        (
            "Important: new organisation for {subject}",
            "From next month, {subject} follows a new procedure described in the note in the "
            "document space. Please read it. {tags}",
        ),
        (
            "Welcome to the community!",
            "This community brings together everyone interested in {subject}. Read the "
            "charter, introduce yourself in a comment and feel free to ask questions.",
        ),
        (
            "Reminder: {subject}",
            "A quick reminder of the rules for {subject}. They apply on every site, please "
            "pass them on to your teams. {tags}",
        ),
    ],
)
COMMENTS = _t(
    [
        "Merci pour le partage, très utile !",
        "Même constat chez nous à {site}.",
        "Intéressant. Vous avez mesuré le temps gagné ?",
        "On a eu le même problème l'an dernier, je te raconte à l'occasion.",
        "Je transmets à mon équipe, ça va les intéresser.",
        "D'accord avec toi, surtout sur le deuxième point.",
        "Est-ce que le support est disponible quelque part ?",
        "Bravo à toute l'équipe 👏",
        "Bonne idée, on pourrait en parler au prochain point d'équipe.",
        "Attention quand même aux délais de validation, c'est souvent là que ça bloque.",
    ],
    [
        "Thanks for sharing, very useful!",
        "Same here in {site}.",
        "Interesting. Did you measure the time saved?",
        "We had the same issue last year, happy to tell you about it.",
        "Passing this on to my team, they will be interested.",
        "Agreed, especially on the second point.",
        "Are the slides available somewhere?",
        "Well done to the whole team 👏",
        "Good idea, let's bring it up at the next team meeting.",
        "Watch out for approval delays though, that is often where things get stuck.",
    ],
)
ANSWERS = _t(
    [
        "Oui, on l'a fait l'an dernier à {site}. Je t'envoie notre modèle en message.",
        "Regarde la procédure dans l'espace qualité, section 4 : tout y est.",
        "Le plus simple est de commencer par un diagnostic rapide avec l'équipe, puis de "
        "prioriser. On a mis deux semaines.",
        "Chez nous c'est un tableau partagé mis à jour chaque lundi, ça suffit largement.",
        "Il y a une formation interne là-dessus, demande à ton responsable de t'y inscrire.",
    ],
    [
        "Yes, we did it last year in {site}. I'll send you our template.",
        "Have a look at the procedure in the quality space, section 4: it's all there.",
        "The simplest is a quick diagnosis with the team, then prioritise. It took us two weeks.",
        "We use a shared board updated every Monday, that is plenty.",
        "There is an internal training on this, ask your manager to sign you up.",
    ],
)
ASK_MENTION = _t(
    [" {mention} tu as un avis ?", " {mention} ça devrait t'intéresser."],
    [" {mention} what do you think?", " {mention} this might interest you."],
)
REPLIES = _t(
    [
        "Merci, c'est exactement ce qu'il me fallait !",
        "Bonne question, je regarde et je reviens vers toi.",
        "Oui, je te le mets en lien dès que possible.",
        "Tout à fait d'accord.",
        "On en reparle jeudi ?",
    ],
    [
        "Thanks, that's exactly what I needed!",
        "Good question, let me check and get back to you.",
        "Yes, I'll link it here as soon as I can.",
        "Totally agree.",
        "Shall we talk about it on Thursday?",
    ],
)
PLACES = {
    "Lyon": ("Salle Confluence, Lyon", "Atelier B, Lyon", "Cafétéria, Lyon"),
    "Paris": ("Salle Seine, Paris", "Auditorium, Paris"),
    "London": ("Thames room, London", "Ground floor café, London"),
}
ONLINE = "https://visio.helios.example/{slug}"


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PollPlan:
    options: tuple[str, ...]
    multiple: bool
    closes_at: datetime.datetime | None  # a closing date still to come, set at creation


@dataclass(frozen=True)
class EventPlan:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    place: str
    online_url: str


@dataclass(frozen=True)
class PostPlan:
    community: int | None  # index in OrgPlan.communities; None: the author's profile
    author: int  # index in OrgPlan.people
    type: str
    at: datetime.datetime
    title: str
    body: str  # may hold "{mention}", replaced by the stored mention syntax at load time
    mention: int | None = None
    poll: PollPlan | None = None
    event: EventPlan | None = None
    asks_read_confirmation: bool = False


@dataclass(frozen=True)
class Action:
    """One write after a post: a comment, a reaction, a vote... ``post`` and ``comment`` are
    indexes in ActivityPlan.posts and in the comments planned so far."""

    at: datetime.datetime
    verb: str
    actor: int
    post: int
    comment: int | None = None  # the comment reacted to, accepted, or replied to
    number: int | None = None  # for "comment": the new comment's number
    body: str = ""
    mention: int | None = None
    kind: str = ""  # reaction kind, RSVP answer, idea status
    options: tuple[int, ...] = ()  # poll option positions


@dataclass(frozen=True)
class ActivityPlan:
    pilot: tuple[int, ...]  # indexes in OrgPlan.communities
    liveliness: tuple[str, ...]  # per community: pilot, lively, steady, quiet, dormant, closed
    posts: tuple[PostPlan, ...]
    actions: tuple[Action, ...]  # in time order; each post's creation comes first
    comments: int

    def counts(self) -> Counter[str]:
        counted: Counter[str] = Counter(f"post.{post.type}" for post in self.posts)
        counted.update(action.verb for action in self.actions)
        return counted


def pilot_communities(plan: OrgPlan) -> tuple[int, ...]:
    """The six communities the pilot will follow: indexes in ``plan.communities``.

    Chosen without randomness, so that the pilot can name them from the plan alone: among the
    communities that existed for the whole six months, are neither archived, secret nor just
    opened, and have at least eight members, the most important of the catalogue (its order)
    taking each kind in turn (best practice, profession, project, interest), so the pilot
    covers every kind. Smaller organisations relax the age and size conditions.
    """
    order = (names.BEST_PRACTICE, names.PROFESSION, names.PROJECT, names.INTEREST)
    for min_days, min_members in ((ACTIVITY_DAYS, 8), (60, 4), (0, 1)):
        eligible = [
            index
            for index, community in enumerate(plan.communities)
            if not community.archived
            and community.request is None
            and community.visibility != names.SECRET
            and community.created_days_ago >= min_days
            and len(community.members) >= min_members
        ]
        if len(eligible) >= PILOT_SIZE or min_days == 0:
            break
    by_kind = {kind: [i for i in eligible if plan.communities[i].kind == kind] for kind in order}
    chosen: list[int] = []
    while len(chosen) < min(PILOT_SIZE, len(eligible)):
        for kind in order:
            if by_kind[kind] and len(chosen) < PILOT_SIZE:
                chosen.append(by_kind[kind].pop(0))
    return tuple(sorted(chosen))


def pilot_community_names(plan: OrgPlan) -> tuple[str, ...]:
    return tuple(plan.communities[index].name for index in pilot_communities(plan))


def pilot_ramp(days_ago: float) -> float:
    """A pilot community's activity, relative to the pilot months, ``days_ago`` days back."""
    if days_ago > PILOT_START_DAYS_AGO:
        return PILOT_RAMP["before"]
    if days_ago > PILOT_END_DAYS_AGO:
        return PILOT_RAMP["during"]
    return PILOT_RAMP["after"]


def plan_activity(plan: OrgPlan) -> ActivityPlan:
    """Draw six months of activity for ``plan``. Pure: no database, no clock."""
    return _ActivityPlanner(plan).draw()


def _weighted[T](rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    cumulative = list(accumulate(weight for _item, weight in pairs))
    return pairs[bisect(cumulative, rng.random() * cumulative[-1])][0]


@dataclass
class _Reader:
    person: int
    weight: float
    since: int  # days ago from which they may act here


class _ActivityPlanner:
    def __init__(self, plan: OrgPlan) -> None:
        self.plan = plan
        # Its own generator: the organisation's plan stays what it was before activity existed.
        self.rng = random.Random(f"activity-{plan.seed}-{len(plan.people)}")
        self.zone = timezone.get_current_timezone()
        self.pilot = pilot_communities(plan)
        self.posts: list[PostPlan] = []
        self.actions: list[Action] = []
        self.comment_count = 0
        self.confirming: set[int | None] = set()  # communities with a confirmed announcement
        people = plan.people
        self.internal = [
            i for i, p in enumerate(people) if p.role != Role.GUEST and p.unit is not None
        ]
        self.language = [(p.spoken[0] if p.spoken else (p.language or "fr")) for p in people]
        self.site = [names.SITES[p.site].name if p.site is not None else "Lyon" for p in people]
        self._draw_propensities()

    # ---- who is active

    def _draw_propensities(self) -> None:
        """Zipf weights over a shuffled order; half the people only read."""
        rng = self.rng
        people = self.plan.people
        order = list(range(len(people)))
        rng.shuffle(order)
        keen = {"animator": 0, "project_lead": 2, "employee": 6, "guest": 20, "admin": 40}
        for key, rank in sorted(keen.items(), key=lambda item: item[1]):
            index = self.plan.persona_index(key)
            order.remove(index)
            order.insert(min(rank, len(order)), index)
        writers = round(len(order) * (1 - READER_SHARE))
        self.post_weight = [0.0] * len(people)
        self.comment_weight = [0.0] * len(people)
        self.react_weight = [0.0] * len(people)
        for rank, index in enumerate(order):
            if rank < writers:
                self.post_weight[index] = 1 / (rank + 1) ** ZIPF_EXPONENT
            self.comment_weight[index] = 1 / (rank + 1) ** 0.8 if rank < writers * 1.3 else 0.002
            self.react_weight[index] = 1 / (rank + 1) ** 0.35
        for index, person in enumerate(people):
            if person.deactivate:  # less active before they left
                for weights in (self.post_weight, self.comment_weight, self.react_weight):
                    weights[index] *= 0.5

    def _can_act(self, person: int, days_ago: float) -> bool:
        info = self.plan.people[person]
        if info.joined_days_ago < days_ago:
            return False
        return not (info.deactivate and days_ago < DEPARTED_QUIET_DAYS)

    # ---- places

    def _community_readers(self, number: int) -> tuple[list[_Reader], list[_Reader]]:
        """(members, visitors): visitors are other employees reading an open community."""
        community = self.plan.communities[number]
        members = [
            _Reader(m.person, 1.0, min(m.days_ago, self.plan.people[m.person].joined_days_ago))
            for m in community.members
        ]
        visitors: list[_Reader] = []
        if community.visibility == names.OPEN:
            inside = {m.person for m in community.members}
            visitors = [
                _Reader(i, 0.12, self.plan.people[i].joined_days_ago)
                for i in self.internal
                if i not in inside
            ]
        return members, visitors

    def _topics(self, community: CommunityPlan | None) -> tuple[str, ...]:
        if community is None:
            return PROFILE_TOPICS
        lowered = community.name.lower()
        for words, topics in TOPIC_WORDS:
            if any(word in lowered for word in words):
                return topics
        return KIND_TOPICS.get(community.kind, ("projects",))

    def _liveliness(self) -> list[tuple[str, float]]:
        rng = self.rng
        levels: list[tuple[str, float]] = []
        for number, community in enumerate(self.plan.communities):
            draw = rng.random()  # drawn for every community, so one change moves nothing else
            if community.archived or community.request is not None:
                levels.append(("closed", 0.0))
            elif number in self.pilot:
                levels.append(("pilot", PILOT_BOOST))
            else:
                cumulative = 0.0
                level = ("dormant", DORMANT_WEIGHT)
                for name, share, weight in LIVELINESS:
                    cumulative += share
                    if draw < cumulative:
                        level = (name, weight)
                        break
                levels.append(level)
        return levels

    # ---- time

    def _moment(self, days_ago: float) -> datetime.datetime:
        """A working moment about ``days_ago`` days before the plan's day (never on it)."""
        rng = self.rng
        whole = max(1, int(days_ago))
        day = self.plan.today - datetime.timedelta(days=whole)
        if day.weekday() >= 5 and rng.random() < 0.85:  # little happens at weekends
            day -= datetime.timedelta(days=day.weekday() - 4)
        minute = int(min(600, max(0, rng.gauss(300, 150))))  # 08:00-18:00, busiest at midday
        start = datetime.datetime.combine(day, datetime.time(8, 0), self.zone)
        return start + datetime.timedelta(minutes=minute, seconds=rng.randint(0, 59))

    def _later(self, at: datetime.datetime, mean_hours: float) -> datetime.datetime | None:
        """A moment after ``at`` (minutes to days later), or None if it falls on or after the
        plan's day: activity stops the evening before."""
        delay = datetime.timedelta(minutes=2 + self.rng.expovariate(1 / (mean_hours * 60)))
        moment = at + delay
        if moment.hour >= 20 or moment.hour < 7:  # answered the next morning
            next_morning = (moment + datetime.timedelta(hours=12)).date()
            moment = datetime.datetime.combine(
                next_morning, datetime.time(8, self.rng.randint(0, 59)), self.zone
            )
        if moment.astimezone(self.zone).date() >= self.plan.today:
            return None
        return moment

    def _days_ago(self, at: datetime.datetime) -> float:
        start = datetime.datetime.combine(self.plan.today, datetime.time(0, 0), self.zone)
        return (start - at).total_seconds() / 86400

    # ---- drawing

    def draw(self) -> ActivityPlan:
        rng = self.rng
        levels = self._liveliness()
        places: list[tuple[int | None, float, int]] = []  # (community, weight, days active)
        for number, community in enumerate(self.plan.communities):
            _name, weight = levels[number]
            days = min(ACTIVITY_DAYS, community.created_days_ago)
            if weight > 0 and days > 7:
                size = len(community.members) ** 0.6
                places.append((number, weight * size * days / ACTIVITY_DAYS, days))
        community_weight = sum(weight for _n, weight, _d in places)
        places.append((None, community_weight * PROFILE_SHARE / (1 - PROFILE_SHARE), ACTIVITY_DAYS))
        total = round(POSTS_PER_PERSON * len(self.internal))
        pairs = [((place, days), weight) for place, weight, days in places]
        for _ in range(total):
            place, days = _weighted(rng, pairs)
            dormant = place is not None and levels[place][0] == "dormant"
            # Adoption grows: more posts in recent months (density rising towards today).
            position = rng.random() ** 0.7
            days_ago = days * (1 - position) if not dormant else days * (1 - position * 0.4)
            if place is not None and levels[place][0] == "pilot":
                days_ago = self._pilot_days_ago(days)
            self._post(place, max(1.0, days_ago), levels)
        self.actions.sort(key=lambda action: action.at)
        return ActivityPlan(
            pilot=self.pilot,
            liveliness=tuple(name for name, _w in levels),
            posts=tuple(self.posts),
            actions=tuple(self.actions),
            comments=self.comment_count,
        )

    def _pilot_days_ago(self, days: int) -> float:
        """When a pilot community's post happens: the adoption curve, thinned outside the
        pilot's months by ``PILOT_RAMP`` (rejection sampling keeps the total unchanged)."""
        rng = self.rng
        while True:
            days_ago = days * (1 - rng.random() ** 0.7)
            if rng.random() < pilot_ramp(days_ago):
                return days_ago

    def _author(self, candidates: list[_Reader], days_ago: float, weights: list[float]) -> int:
        pairs = [
            (reader.person, weights[reader.person] * reader.weight)
            for reader in candidates
            if reader.since >= days_ago and self._can_act(reader.person, days_ago)
        ]
        pairs = [(person, weight) for person, weight in pairs if weight > 0]
        if not pairs:
            return -1
        return _weighted(self.rng, pairs)

    def _post(self, number: int | None, days_ago: float, levels: list[tuple[str, float]]) -> None:
        rng = self.rng
        community = self.plan.communities[number] if number is not None else None
        if community is not None:
            members, visitors = self._community_readers(number or 0)
            kind = community.kind
        else:
            members = [_Reader(i, 1.0, self.plan.people[i].joined_days_ago) for i in self.internal]
            visitors = []
            kind = "profile"
        post_type = _weighted(rng, TYPE_MIX[kind])
        if post_type == "announcement":
            assert community is not None
            managers = [
                _Reader(m.person, 1.0, min(m.days_ago, self.plan.people[m.person].joined_days_ago))
                for m in community.members
                if m.role in ("owner", "animator")
            ]
            author = self._author(managers, days_ago, [1.0] * len(self.plan.people))
        else:
            author = self._author(members, days_ago, self.post_weight)
        if author < 0:
            return
        at = self._moment(days_ago)
        language = self.language[author]
        if community is not None and community.language in self.plan.people[author].spoken:
            language = community.language
        topic = TOPICS[rng.choice(self._topics(community))]
        fill = self._filler(topic, language, author)
        title, body = "", ""
        poll = event = None
        if post_type in ("discussion", "question", "event", "announcement"):
            bank = {
                "discussion": DISCUSSIONS,
                "question": QUESTIONS,
                "event": EVENTS,
                "announcement": ANNOUNCEMENTS,
            }[post_type]
            title, body = (text.format(**fill) for text in rng.choice(bank[language]))
        elif post_type == "idea":
            title = fill["idea"]
            body = rng.choice(IDEA_BODIES[language]).format(**fill)
        else:
            question, options = rng.choice(POLLS[language])
            title = question.format(**fill)
            body = title
            labels = tuple(option.format(**fill) for option in options)
            labels = tuple(label[0].upper() + label[1:] for label in labels)
            closes = None
            if days_ago < 10 and rng.random() < 0.5:
                closes = at + datetime.timedelta(days=rng.randint(12, 20))
            poll = PollPlan(labels, multiple=rng.random() < 0.25, closes_at=closes)
        mention = None
        readers = members + visitors
        if post_type in ("discussion", "question") and rng.random() < 0.18:
            mention = self._author(members, days_ago, self.react_weight)
            if mention >= 0 and mention != author:
                body += rng.choice(ASK_MENTION[language])
            else:
                mention = None
        if post_type == "event":
            event = self._event(at, community, author, language)
        # Most announcements ask for a read confirmation, and every community's first one does
        # (its welcome and rules), so even a small organisation shows confirmations.
        confirm = post_type == "announcement" and (
            rng.random() < 0.6 or number not in self.confirming
        )
        if confirm:
            self.confirming.add(number)
        post = PostPlan(
            community=number,
            author=author,
            type=post_type,
            at=at,
            title=title,
            body=body,
            mention=mention,
            poll=poll,
            event=event,
            asks_read_confirmation=confirm,
        )
        self.posts.append(post)
        index = len(self.posts) - 1
        liveliness = levels[number][1] if number is not None else 0.5
        if number is not None and levels[number][0] == "pilot":
            liveliness *= pilot_ramp(days_ago)
        self._follow_up(index, post, readers, min(liveliness, 1.5), language, fill)

    def _filler(self, topic: Topic, language: str, author: int) -> dict[str, str]:
        rng = self.rng
        subject = rng.choice(topic.subjects[language])
        idea = rng.choice(topic.ideas[language])
        tags = " ".join(rng.sample(topic.tags[language], rng.randint(0, 2)))
        return {
            "subject": subject,
            "idea": idea,
            "idea_l": idea[0].lower() + idea[1:],
            "tags": tags,
            "site": self.site[author],
            "mention": "{mention}",
        }

    def _event(
        self, at: datetime.datetime, community: CommunityPlan | None, author: int, language: str
    ) -> EventPlan:
        rng = self.rng
        site = self.site[author]
        starts = at + datetime.timedelta(days=rng.randint(4, 28))
        starts = datetime.datetime.combine(
            starts.date(), datetime.time(rng.choice((9, 10, 12, 14, 16)), 0), self.zone
        )
        length = datetime.timedelta(minutes=rng.choice((60, 90, 120)))
        online = rng.random() < 0.4
        slug = f"{(community.name if community else 'helios')[:12]}-{starts:%m%d}"
        slug = "".join(c for c in slug.lower() if c.isalnum() or c == "-") or "helios"
        return EventPlan(
            starts_at=starts,
            ends_at=starts + length,
            time_zone="Europe/London" if site == "London" else "Europe/Paris",
            place="" if online else rng.choice(PLACES.get(site, PLACES["Lyon"])),
            online_url=ONLINE.format(slug=slug) if online else "",
        )

    # ---- what follows a post

    def _readers_at(self, readers: list[_Reader], days_ago: float, exclude: int) -> list[_Reader]:
        return [
            r
            for r in readers
            if r.person != exclude and r.since >= days_ago and self._can_act(r.person, days_ago)
        ]

    def _pick(self, readers: list[_Reader], weights: list[float], count: int) -> list[int]:
        """``count`` distinct people, each in proportion to weight (reservoir keys)."""
        keyed = [
            (self.rng.random() ** (1 / (weights[r.person] * r.weight)), r.person)
            for r in readers
            if weights[r.person] * r.weight > 0
        ]
        keyed.sort(reverse=True)
        return [person for _key, person in keyed[:count]]

    def _follow_up(
        self,
        index: int,
        post: PostPlan,
        readers: list[_Reader],
        liveliness: float,
        language: str,
        fill: dict[str, str],
    ) -> None:
        rng = self.rng
        days_ago = self._days_ago(post.at)
        audience = self._readers_at(readers, days_ago, post.author)
        if not audience:
            return
        # Comments: questions mostly answered, some never; the rest a long tail.
        comments: list[tuple[int, int, datetime.datetime]] = []  # (number, author, at)
        mean = {"question": 2.2, "idea": 1.6, "announcement": 1.0, "event": 0.8, "poll": 0.7}
        expected = mean.get(post.type, 2.0) * (0.5 + liveliness)
        count = int(rng.expovariate(1 / expected)) if expected > 0 else 0
        if post.type == "question":
            count = 0 if rng.random() < 0.22 else max(1, count)
        commenters = self._pick(audience, self.comment_weight, min(count, 12))
        bank = ANSWERS if post.type == "question" else COMMENTS
        previous = post.at
        for person in commenters:
            at = self._later(previous, 6 if post.type == "question" else 10)
            if at is None:
                break
            previous = at
            comments.append(self._comment(index, person, at, bank, fill, audience))
            # The author answers some comments; sometimes someone else does.
            if rng.random() < 0.3:
                replier = post.author if rng.random() < 0.7 else rng.choice(audience).person
                reply_at = self._later(at, 5)
                if reply_at is not None and replier != person:
                    self._reply(index, comments[-1][0], replier, reply_at, fill)
        if post.type == "question" and comments and rng.random() < 0.65:
            number, _author, at = rng.choice(comments[:3])
            accept_at = self._later(at, 20)
            if accept_at is not None:
                self._act(accept_at, "accept", post.author, index, comment=number)
        # Reactions on the post and on the comments.
        expected = (2.0 + 4.0 * liveliness) * (1.3 if post.type == "announcement" else 1.0)
        reactors = self._pick(audience, self.react_weight, int(rng.expovariate(1 / expected)))
        kinds = REACTIONS
        for person in reactors:
            at = self._later(post.at, 18)
            if at is not None:
                self._act(at, "react", person, index, kind=_weighted(rng, kinds))
        for number, _author, at in comments:
            for person in self._pick(audience, self.react_weight, int(rng.expovariate(1 / 0.8))):
                react_at = self._later(at, 12)
                if react_at is not None and person != _author:
                    kind = _weighted(rng, ANSWER_REACTIONS)
                    self._act(react_at, "react", person, index, comment=number, kind=kind)
        getattr(self, f"_follow_{post.type}", lambda *args: None)(index, post, audience)

    def _comment(
        self,
        index: int,
        person: int,
        at: datetime.datetime,
        bank: dict[str, tuple[str, ...]],
        fill: dict[str, str],
        audience: list[_Reader],
    ) -> tuple[int, int, datetime.datetime]:
        rng = self.rng
        language = self.language[person]
        body = rng.choice(bank[language]).format(**{**fill, "site": self.site[person]})
        mention = None
        if rng.random() < 0.08:
            mention = rng.choice(audience).person
            if mention != person:
                body += rng.choice(ASK_MENTION[language])
            else:
                mention = None
        number = self.comment_count
        self.comment_count += 1
        self._act(at, "comment", person, index, number=number, body=body, mention=mention)
        return number, person, at

    def _reply(
        self, index: int, parent: int, person: int, at: datetime.datetime, fill: dict[str, str]
    ) -> None:
        body = self.rng.choice(REPLIES[self.language[person]])
        number = self.comment_count
        self.comment_count += 1
        self._act(at, "comment", person, index, comment=parent, number=number, body=body)

    def _act(self, at: datetime.datetime, verb: str, actor: int, post: int, **kwargs: Any) -> None:
        self.actions.append(Action(at=at, verb=verb, actor=actor, post=post, **kwargs))

    def _share(self, audience: list[_Reader], low: float, high: float) -> list[int]:
        # Visitors of an open community count for their weight: few of them vote.
        wanted = round(sum(r.weight for r in audience) * self.rng.uniform(low, high))
        return self._pick(audience, self.react_weight, max(1, wanted))

    def _follow_poll(self, index: int, post: PostPlan, audience: list[_Reader]) -> None:
        rng = self.rng
        assert post.poll is not None
        voters = self._share(audience, 0.15, 0.5)
        favourite = rng.randrange(len(post.poll.options))
        last = post.at
        for person in voters:
            at = self._later(post.at, 30)
            if at is None:
                continue
            last = max(last, at)
            first = favourite if rng.random() < 0.45 else rng.randrange(len(post.poll.options))
            chosen = {first}
            if post.poll.multiple and rng.random() < 0.5:
                chosen.add(rng.randrange(len(post.poll.options)))
            self._act(at, "vote", person, index, options=tuple(sorted(chosen)))
        if post.poll.closes_at is None and self._days_ago(post.at) > 14:
            close_at = self._later(max(last, post.at + datetime.timedelta(days=10)), 4)
            if close_at is not None:
                self._act(close_at, "close", post.author, index)

    def _follow_idea(self, index: int, post: PostPlan, audience: list[_Reader]) -> None:
        rng = self.rng
        for person in self._share(audience, 0.1, 0.45):
            at = self._later(post.at, 48)
            if at is not None:
                self._act(at, "idea_vote", person, index)
        if post.community is None:
            return
        community = self.plan.communities[post.community]
        managers = [m.person for m in community.members if m.role in ("owner", "animator")]
        age = self._days_ago(post.at)
        if age > 90:
            path = _weighted(
                rng,
                [
                    (("under_review", "planned", "done"), 35),
                    (("under_review", "declined"), 20),
                    (("under_review", "planned"), 30),
                    (("under_review",), 15),
                ],
            )
        elif age > 25:
            path = _weighted(
                rng,
                [
                    (("under_review",), 40),
                    (("under_review", "planned"), 25),
                    (("declined",), 10),
                    ((), 25),
                ],
            )
        else:
            path = _weighted(rng, [((), 70), (("under_review",), 30)])
        moment: datetime.datetime | None = post.at
        language = community.language
        for status in path:
            assert moment is not None
            gap = datetime.timedelta(days=rng.uniform(5, max(6, age / (len(path) + 1))))
            moment = self._later(moment + gap, 8)
            if moment is None:
                break
            actor = rng.choice(managers)
            response = rng.choice(IDEA_RESPONSES[status][language])
            self._act(moment, "idea_status", actor, index, kind=status, body=response)

    def _follow_event(self, index: int, post: PostPlan, audience: list[_Reader]) -> None:
        rng = self.rng
        assert post.event is not None
        deadline = post.event.starts_at - datetime.timedelta(hours=1)
        for person in self._share(audience, 0.1, 0.4):
            at = self._later(post.at, 40)
            if at is None or at >= deadline:
                continue
            answer = _weighted(rng, [("going", 60), ("maybe", 25), ("not_going", 15)])
            self._act(at, "rsvp", person, index, kind=answer)

    def _follow_announcement(self, index: int, post: PostPlan, audience: list[_Reader]) -> None:
        # A newer announcement in the same community unpins the one before.
        for earlier in range(index - 1, -1, -1):
            other = self.posts[earlier]
            if other.community == post.community and other.type == "announcement":
                if other.at < post.at:
                    unpin_at = post.at + datetime.timedelta(minutes=1)
                    self._act(unpin_at, "unpin", post.author, earlier)
                break
        if post.asks_read_confirmation:
            members = [r for r in audience if r.weight >= 1.0]
            for person in self._share(members, 0.4, 0.85):
                at = self._later(post.at, 36)
                if at is not None:
                    self._act(at, "confirm", person, index)


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class ActivitySummary:
    posts: int
    comments: int
    reactions: int
    votes: int  # poll and idea votes
    rsvps: int
    read_confirmations: int
    accepted_answers: int
    status_changes: int
    skipped: int  # writes a service refused (see load_activity)
    seconds: float
    by_verb: dict[str, int] = field(default_factory=dict)


class _Backdater:
    """Rows a service stamped with the wall clock get their planned moment after the load.

    Each entry is (model, primary key, field, moment); an entry already at its moment (a
    service that uses ``clock.now()``) costs nothing.
    """

    def __init__(self) -> None:
        self.wanted: dict[tuple[type[models.Model], str], dict[int, datetime.datetime]] = (
            defaultdict(dict)
        )

    def stamp(self, instance: models.Model, field_name: str, at: datetime.datetime) -> None:
        self.wanted[(type(instance), field_name)][instance.pk] = at

    def latest(self, instance: models.Model, field_name: str, at: datetime.datetime) -> None:
        moments = self.wanted[(type(instance), field_name)]
        moments[instance.pk] = max(at, moments.get(instance.pk, at))

    def forget(self, instance: models.Model, field_name: str) -> None:
        self.wanted[(type(instance), field_name)].pop(instance.pk, None)

    def apply(self) -> None:
        for (model, field_name), moments in self.wanted.items():
            ids = list(moments)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = list(model._default_manager.filter(pk__in=chunk).only("pk", field_name))
                changed = []
                for row in rows:
                    if getattr(row, field_name) != moments[row.pk]:
                        setattr(row, field_name, moments[row.pk])
                        changed.append(row)
                if changed:
                    model._default_manager.bulk_update(changed, [field_name], batch_size=500)


def load_activity(
    plan: OrgPlan,
    users: list[User],
    progress: SupportsWrite | None = None,
    activity: ActivityPlan | None = None,
) -> ActivitySummary:
    """Write the activity through the content services, each at its planned moment.

    Call inside the load's transaction, after the communities and before anyone leaves.
    A write the services refuse (``Invalid``/``Forbidden``: an event over before the RSVP
    when the services check the wall clock, a post type not available yet...) is counted in
    ``skipped`` and leaves out what depends on it; the plan stays the same.
    """
    from rucher.communities.models import Community
    from rucher.content import services
    from rucher.content.models import Mention
    from rucher.core import clock, markdown
    from rucher.core.errors import RucherError

    started = time.perf_counter()
    activity = activity or plan_activity(plan)
    by_name = dict(
        Community.objects.filter(name__in=[c.name for c in plan.communities]).values_list(
            "name", "pk"
        )
    )
    community_ids = [by_name.get(c.name) for c in plan.communities]
    backdater = _Backdater()
    posts: dict[int, Any] = {}
    comments: dict[int, Any] = {}
    options: dict[int, list[int]] = {}
    done: Counter[str] = Counter()
    skipped = 0

    def text(body: str, mention: int | None) -> str:
        if mention is None:
            return body
        person = users[mention]
        return body.replace("{mention}", markdown.mention(person.pk, person.display_name))

    def create(number: int) -> None:
        post_plan = activity.posts[number]
        community = post_plan.community
        kwargs: dict[str, Any] = {}
        if post_plan.poll is not None:
            kwargs["poll"] = services.PollSpec(
                options=list(post_plan.poll.options),
                multiple=post_plan.poll.multiple,
                closes_at=post_plan.poll.closes_at,
            )
        if post_plan.event is not None:
            spec = post_plan.event
            kwargs["event"] = services.EventSpec(
                starts_at=spec.starts_at,
                ends_at=spec.ends_at,
                time_zone=spec.time_zone,
                place=spec.place,
                online_url=spec.online_url,
            )
        post = services.post_create(
            actor=users[post_plan.author],
            community_id=community_ids[community] if community is not None else None,
            body=text(post_plan.body, post_plan.mention),
            title=post_plan.title,
            type=post_plan.type,
            asks_read_confirmation=post_plan.asks_read_confirmation,
            **kwargs,
        )
        posts[number] = post
        backdater.stamp(post, "created_at", post_plan.at)
        backdater.latest(post, "last_activity_at", post_plan.at)
        if post.pinned_at is not None:
            backdater.stamp(post, "pinned_at", post_plan.at)
        if post_plan.poll is not None:
            options[number] = list(
                post.poll.options.order_by("position").values_list("pk", flat=True)
            )
        done[f"post.{post_plan.type}"] += 1

    def act(action: Action) -> None:
        post = posts.get(action.post)
        if post is None:
            raise LookupError  # its post was skipped
        actor = users[action.actor]
        verb = action.verb
        if verb == "comment":
            parent = comments.get(action.comment) if action.comment is not None else None
            if action.comment is not None and parent is None:
                raise LookupError
            made = services.comment_create(
                actor=actor,
                post_id=post.pk,
                body=text(action.body, action.mention),
                parent_id=parent.pk if parent is not None else None,
            )
            assert action.number is not None
            comments[action.number] = made
            backdater.stamp(made, "created_at", action.at)
            backdater.latest(post, "last_activity_at", action.at)
        elif verb == "react":
            target = comments.get(action.comment) if action.comment is not None else None
            if action.comment is not None and target is None:
                raise LookupError
            reaction = services.reaction_set(
                actor=actor,
                post_id=post.pk,
                kind=action.kind,
                comment_id=target.pk if target is not None else None,
            )
            backdater.stamp(reaction, "created_at", action.at)
        elif verb == "accept":
            answer = comments.get(action.comment or 0)
            if answer is None:
                raise LookupError
            services.question_accept_answer(actor=actor, post_id=post.pk, comment_id=answer.pk)
        elif verb == "vote":
            ids = [options[action.post][position] for position in action.options]
            for vote in services.poll_vote(actor=actor, post_id=post.pk, option_ids=ids):
                backdater.stamp(vote, "created_at", action.at)
        elif verb == "close":
            poll = services.poll_close(actor=actor, post_id=post.pk)
            backdater.stamp(poll, "closes_at", action.at)
        elif verb == "idea_vote":
            services.idea_vote(actor=actor, post_id=post.pk)
            vote_row = post.idea.votes.get(user=actor)
            backdater.stamp(vote_row, "created_at", action.at)
        elif verb == "idea_status":
            idea = services.idea_set_status(
                actor=actor, post_id=post.pk, status=action.kind, response=action.body
            )
            backdater.stamp(idea, "status_changed_at", action.at)
        elif verb == "rsvp":
            rsvp = services.event_rsvp(actor=actor, post_id=post.pk, answer=action.kind)
            backdater.stamp(rsvp, "updated_at", action.at)
        elif verb == "unpin":
            services.post_unpin(actor=actor, post_id=post.pk)
            backdater.forget(post, "pinned_at")
        elif verb == "confirm":
            confirmation = services.announcement_confirm_read(actor=actor, post_id=post.pk)
            backdater.stamp(confirmation, "created_at", action.at)
        done[verb] += 1

    # Posts and what follows them, in time order: a post before its comments, and so on.
    schedule: list[tuple[datetime.datetime, int, int]] = [
        (post.at, 0, number) for number, post in enumerate(activity.posts)
    ]
    schedule += [(action.at, 1, number) for number, action in enumerate(activity.actions)]
    schedule.sort()
    with reporter(len(schedule), "conversations", progress) as bar:
        for at, is_action, number in schedule:
            try:
                with clock.frozen(at):
                    if is_action:
                        act(activity.actions[number])
                    else:
                        create(number)
            except (RucherError, LookupError):
                skipped += 1
            bar.advance()
    # Mentions take the time of what they are in.
    for mention in Mention.objects.filter(post__in=[p.pk for p in posts.values()]).select_related(
        "post", "comment"
    ):
        source: models.Model = mention.comment if mention.comment is not None else mention.post
        moment = backdater.wanted[(type(source), "created_at")].get(source.pk)
        if moment is not None:
            backdater.stamp(mention, "created_at", moment)
    backdater.apply()
    return ActivitySummary(
        posts=sum(count for verb, count in done.items() if verb.startswith("post.")),
        comments=done["comment"],
        reactions=done["react"],
        votes=done["vote"] + done["idea_vote"],
        rsvps=done["rsvp"],
        read_confirmations=done["confirm"],
        accepted_answers=done["accept"],
        status_changes=done["idea_status"],
        skipped=skipped,
        seconds=time.perf_counter() - started,
        by_verb=dict(done),
    )


def activity_counts() -> dict[str, int]:
    """Conversation counts for ``rucher demo status``."""
    from rucher.content.models import (
        Comment,
        EventRsvp,
        Idea,
        IdeaVote,
        PollVote,
        Post,
        PostType,
        Reaction,
        ReadConfirmation,
    )

    types = dict(
        Post.objects.values_list("type").annotate(n=models.Count("id")).values_list("type", "n")
    )
    counts = {"posts": sum(types.values())}
    counts |= {f"  {value} posts": types.get(value, 0) for value in PostType.values}
    counts |= {
        "comments": Comment.objects.count(),
        "reactions": Reaction.objects.count(),
        "accepted answers": Post.objects.filter(accepted_answer__isnull=False).count(),
        "unanswered questions": Post.objects.filter(
            type=PostType.QUESTION, comments__isnull=True
        ).count(),
        "ideas beyond new": Idea.objects.exclude(status="new").count(),
        "poll and idea votes": PollVote.objects.count() + IdeaVote.objects.count(),
        "event answers": EventRsvp.objects.count(),
        "read confirmations": ReadConfirmation.objects.count(),
    }
    return counts


__all__ = [
    "ACTIVITY_DAYS",
    "ActivityPlan",
    "ActivitySummary",
    "activity_counts",
    "load_activity",
    "pilot_communities",
    "pilot_community_names",
    "pilot_ramp",
    "plan_activity",
]
