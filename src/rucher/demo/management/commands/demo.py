"""``rucher demo load | credentials | status``: the fictional Groupe Hélios to try Rucher with."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from rucher.demo.generator import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    MAX_PEOPLE,
    MIN_PEOPLE,
    DemoError,
    generate,
)
from rucher.demo.personas import DEMO_PASSWORD, PERSONAS
from rucher.demo.selectors import (
    creation_requests_awaiting_review,
    demo_counts,
    people_count,
    persona_communities,
    personas_present,
)

NOT_MIGRATED = "The database is not ready ({error}). Run `rucher migrate` first."


class Command(BaseCommand):
    help = "Load the demo organisation (Groupe Hélios), show how to log in, or count what is there."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        load = actions.add_parser("load", help="Create the demo organisation in an empty database.")
        load.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"Number of employees ({MIN_PEOPLE}-{MAX_PEOPLE}, default {DEFAULT_PEOPLE}).",
        )
        load.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed: same seed, same organisation (default {DEFAULT_SEED}).",
        )
        load.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds people (for `make run`).",
        )
        actions.add_parser("credentials", help="How to log in as each demo persona.")
        actions.add_parser(
            "status", help="Count people, units, follows, communities, requests and events."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            self.load(people=options["people"], seed=options["seed"], if_empty=options["if_empty"])
        elif action == "credentials":
            self.credentials()
        else:
            self.status()

    # ---- load

    def load(self, *, people: int, seed: int, if_empty: bool) -> None:
        if not MIN_PEOPLE <= people <= MAX_PEOPLE:
            raise CommandError(f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE}.")
        existing = self._people_count()
        if existing and if_empty:
            self.stdout.write(
                f"The database already holds {existing} people: the demo is not loaded again."
            )
            return
        if existing:
            raise CommandError(
                f"The database already holds {existing} people; the demo loads into an empty "
                "database only. Add --if-empty to skip loading, or point RUCHER_DATA_DIR (or "
                "DATABASE_URL) at a fresh one."
            )
        self.stdout.write(f"Loading Groupe Hélios: {people} people, seed {seed}…")
        try:
            summary = generate(people=people, seed=seed, progress=self.stderr)
        except DemoError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.people} people ({summary.deactivated} deactivated), "
                f"{summary.guests} partner guests, {summary.org_units} org units, "
                f"{summary.sites} sites, {summary.follows} follows and {summary.communities} "
                f"communities with {summary.memberships} members in {summary.seconds:.1f} s "
                f"({summary.people_per_second:.0f} people/s); {summary.events} events recorded."
            )
        )
        if summary.pilots is not None:
            self.stdout.write(
                f"Pilot programmes: {summary.pilots.pilots} (one decided, one running, one "
                f"planned), {summary.pilots.support_entries} support entries, "
                f"{summary.pilots.responses} survey responses."
            )
        self.stdout.write("Run `rucher demo credentials` to see how to log in.")

    def _people_count(self) -> int:
        try:
            return people_count()
        except DatabaseError as error:
            raise CommandError(NOT_MIGRATED.format(error=error)) from None

    # ---- credentials

    def credentials(self) -> None:
        url = site_address()
        self.stdout.write(f"Rucher demo: open {url}/ and log in with one of these accounts.")
        self.stdout.write(f"Every demo account uses the password: {DEMO_PASSWORD}\n")
        try:
            present = personas_present()
            communities = persona_communities()
            awaiting = creation_requests_awaiting_review()
        except DatabaseError:
            present, communities, awaiting = set(), {}, 0
        width = max(len(p.email) for p in PERSONAS)
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:<{width}}  {persona.display_name}")
            self.stdout.write(f"  {'':<{width}}  {persona.purpose}")
            if communities.get(persona.email):
                listed = "; ".join(communities[persona.email])
                self.stdout.write(f"  {'':<{width}}  Communities: {listed}.")
            if persona.key == "project_lead" and awaiting:
                self.stdout.write(
                    f"  {'':<{width}}  Creation requests awaiting review: {awaiting}."
                )
        self.stdout.write(
            "\nAny other person of the demo organisation logs in with the same password."
        )
        missing = [p.email for p in PERSONAS if p.email not in present]
        if missing:
            self.stderr.write(
                "These accounts do not exist in this database yet: "
                f"{', '.join(missing)}. Run `rucher demo load` first."
            )

    # ---- status

    def status(self) -> None:
        try:
            counts = demo_counts()
        except DatabaseError as error:
            raise CommandError(NOT_MIGRATED.format(error=error)) from None
        width = max(len(label) for label in counts)
        for label, value in counts.items():
            self.stdout.write(f"{label:<{width}}  {value:>8}")
        if not counts.get("people"):
            self.stdout.write("The database holds nobody yet: run `rucher demo load`.")


def site_address() -> str:
    """http://HOST:PORT as ``make run`` serves it; a wildcard address is not one to browse to."""
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    port = os.environ.get("PORT", "").strip() or "8000"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address needs brackets in a URL
    return f"http://{host}:{port}"
