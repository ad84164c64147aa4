"""The demo accounts a person logs in with, one per kind of Rucher user.

Their e-mail addresses are fixed (whatever the seed and size) so that documentation, screenshots
and ``rucher demo credentials`` can name them. Every demo account shares one password.
"""

from __future__ import annotations

from dataclasses import dataclass

from rucher.accounts.models import Role
from rucher.demo.names import DEMO_PASSWORD, EMAIL_DOMAIN

__all__ = ["DEMO_PASSWORD", "PERSONAS", "Persona", "persona"]


@dataclass(frozen=True)
class Persona:
    key: str
    display_name: str
    email: str
    role: str
    female: bool
    job_title: str
    # Department code (see names.DIVISIONS) the persona works in when the organisation has it.
    department: str
    purpose: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        key="employee",
        display_name="Léa Moreau",
        email=f"lea.moreau@{EMAIL_DOMAIN}",
        role=Role.EMPLOYEE,
        female=True,
        job_title="Data scientist",
        department="DATA",
        purpose=(
            "An ordinary employee: browses the directory, follows colleagues, belongs to "
            "several communities and waits for an answer to a request to join a private one."
        ),
    ),
    Persona(
        key="animator",
        display_name="Hugo Lefèvre",
        email=f"hugo.lefevre@{EMAIL_DOMAIN}",
        role=Role.EMPLOYEE,
        female=False,
        job_title="Chargé de communication interne",
        department="COMM",
        purpose=(
            "An employee from internal communications who animates communities: answers join "
            "requests, invites colleagues, manages members and the launch checklist."
        ),
    ),
    Persona(
        key="project_lead",
        display_name="Sophie Bernard",
        email=f"sophie.bernard@{EMAIL_DOMAIN}",
        role=Role.PROJECT_TEAM,
        female=True,
        job_title="Cheffe de projet réseau social d'entreprise",
        department="DWP",
        purpose=(
            "Leads the enterprise social network project (role: ESN project team): reviews "
            "community creation requests, owns the project's communities, pilots, KPIs, "
            "surveys, steering reports, and sees partner guests."
        ),
    ),
    Persona(
        key="admin",
        display_name="Thomas Girard",
        email=f"thomas.girard@{EMAIL_DOMAIN}",
        role=Role.ADMIN,
        female=False,
        job_title="Administrateur systèmes",
        department="INFRA",
        purpose=(
            "IT administrator (role: administrator): manages people, org units, every "
            "community and the organisation settings, and opens Django's admin site at /admin/."
        ),
    ),
    Persona(
        key="guest",
        display_name="Emma Clarke",
        email="emma.clarke@kestrel-consulting.example",
        role=Role.GUEST,
        female=True,
        job_title="Change management consultant",
        department="",
        purpose=(
            "A partner guest from Kestrel Consulting Ltd (role: partner guest): sees only the "
            "private project communities they were invited into, and no directory."
        ),
    ),
)


def persona(key: str) -> Persona:
    for candidate in PERSONAS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)
