"""Vocabulary of the fictional Groupe Hélios: names, units, job titles, skills, interests, bios.

Everything here is invented. A ``Term`` is either one string used in both languages (``"SQL"``)
or a ``(french, english)`` pair, because French and English speakers tag themselves in their
own language, as they would in a real company. French job titles are ``(masculine, feminine)``
pairs so that a title agrees with the person holding it.
"""

from __future__ import annotations

from dataclasses import dataclass

type Term = str | tuple[str, str]

COMPANY_NAME = "Groupe Hélios"
COMPANY_CODE = "HEL"
EMAIL_DOMAIN = "helios.example"  # .example is reserved (RFC 2606): no real mailbox is reachable.
DEMO_PASSWORD = "rucher-demo"


def _names(text: str) -> tuple[str, ...]:
    """Comma-separated names: compact to read, and some names have spaces (Le Gall)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


def term(value: Term, language: str) -> str:
    if isinstance(value, str):
        return value
    return value[0] if language == "fr" else value[1]


@dataclass(frozen=True)
class Title:
    fr_m: str
    fr_f: str
    en: str

    def for_person(self, *, language: str, female: bool) -> str:
        if language != "fr":
            return self.en
        return self.fr_f if female else self.fr_m


def title(fr_m: str, en: str, fr_f: str = "") -> Title:
    return Title(fr_m=fr_m, fr_f=fr_f or fr_m, en=en)


@dataclass(frozen=True)
class Department:
    name: str
    code: str
    teams: tuple[Term, ...]
    titles: tuple[Title, ...]
    # Ordered from most to least common in the department: the generator favours the first
    # ones, which gives the directory popular skills and a long tail, as in real life.
    skills: tuple[Term, ...]


@dataclass(frozen=True)
class Division:
    name: str
    code: str
    head: Title
    departments: tuple[Department, ...]


DIVISIONS: tuple[Division, ...] = (
    Division(
        name="Opérations",
        code="OPS",
        head=title(
            "Directeur des opérations", "Chief Operating Officer", "Directrice des opérations"
        ),
        departments=(
            Department(
                name="Production",
                code="PROD",
                teams=(
                    ("Ligne d'assemblage", "Assembly line"),
                    ("Usinage", "Machining"),
                    ("Planification", "Production planning"),
                    ("Conditionnement", "Packaging"),
                ),
                titles=(
                    title(
                        "Opérateur de production", "Production operator", "Opératrice de production"
                    ),
                    title("Technicien méthodes", "Process technician", "Technicienne méthodes"),
                    title("Planificateur", "Production planner", "Planificatrice"),
                    title(
                        "Ingénieur industrialisation",
                        "Manufacturing engineer",
                        "Ingénieure industrialisation",
                    ),
                ),
                skills=(
                    "Lean",
                    ("Amélioration continue", "Continuous improvement"),
                    "5S",
                    ("Planification", "Planning"),
                    "Six Sigma",
                    "SMED",
                    ("Automatisme", "Industrial automation"),
                    ("Lecture de plans", "Blueprint reading"),
                    "SAP PP",
                    "Kaizen",
                ),
            ),
            Department(
                name="Maintenance",
                code="MAINT",
                teams=(
                    ("Maintenance préventive", "Preventive maintenance"),
                    ("Maintenance curative", "Corrective maintenance"),
                    ("Méthodes maintenance", "Maintenance engineering"),
                ),
                titles=(
                    title(
                        "Technicien de maintenance",
                        "Maintenance technician",
                        "Technicienne de maintenance",
                    ),
                    title(
                        "Électromécanicien", "Electromechanical technician", "Électromécanicienne"
                    ),
                    title("Ingénieur fiabilité", "Reliability engineer", "Ingénieure fiabilité"),
                ),
                skills=(
                    ("GMAO", "CMMS"),
                    ("Électrotechnique", "Electrical engineering"),
                    ("Habilitation électrique", "Electrical safety"),
                    ("Hydraulique", "Hydraulics"),
                    "Automates Siemens",
                    ("Fiabilité", "Reliability"),
                    ("Analyse vibratoire", "Vibration analysis"),
                    ("Soudure", "Welding"),
                ),
            ),
            Department(
                name="Logistique",
                code="LOG",
                teams=(
                    ("Entrepôt", "Warehouse"),
                    ("Transport", "Transport"),
                    ("Approvisionnement", "Supply planning"),
                    ("Expéditions", "Shipping"),
                ),
                titles=(
                    title("Logisticien", "Logistics coordinator", "Logisticienne"),
                    title("Cariste", "Forklift operator"),
                    title("Gestionnaire approvisionnement", "Supply planner"),
                    title("Responsable transport", "Transport coordinator"),
                ),
                skills=(
                    "Supply chain",
                    ("Gestion des stocks", "Inventory management"),
                    "WMS",
                    "Incoterms",
                    ("Prévision de la demande", "Demand forecasting"),
                    "CACES",
                    ("Douane", "Customs"),
                ),
            ),
            Department(
                name="Qualité et sécurité",
                code="QHSE",
                teams=(
                    ("Contrôle qualité", "Quality control"),
                    ("HSE", "Health and safety"),
                    ("Certification", "Certification"),
                ),
                titles=(
                    title("Ingénieur qualité", "Quality engineer", "Ingénieure qualité"),
                    title("Technicien contrôle", "Quality inspector", "Technicienne contrôle"),
                    title("Animateur HSE", "Health and safety officer", "Animatrice HSE"),
                    title("Auditeur interne", "Internal auditor", "Auditrice interne"),
                ),
                skills=(
                    "ISO 9001",
                    ("Audit", "Auditing"),
                    ("Sécurité au travail", "Workplace safety"),
                    ("AMDEC", "FMEA"),
                    "ISO 14001",
                    "8D",
                    ("Métrologie", "Metrology"),
                ),
            ),
        ),
    ),
    Division(
        name="Ingénierie et innovation",
        code="ING",
        head=title(
            "Directeur de l'innovation", "Chief Technology Officer", "Directrice de l'innovation"
        ),
        departments=(
            Department(
                name="Data et IA",
                code="DATA",
                teams=(
                    "Data engineering",
                    "Data science",
                    ("BI et reporting", "BI and reporting"),
                    "MLOps",
                ),
                titles=(
                    title("Data engineer", "Data engineer"),
                    title("Data scientist", "Data scientist"),
                    title("Analyste BI", "BI analyst"),
                    title(
                        "Ingénieur machine learning",
                        "Machine learning engineer",
                        "Ingénieure machine learning",
                    ),
                ),
                skills=(
                    "Python",
                    "SQL",
                    "Machine learning",
                    "Power BI",
                    ("Statistiques", "Statistics"),
                    "Spark",
                    "dbt",
                    ("Data visualisation", "Data visualization"),
                    "Airflow",
                ),
            ),
            Department(
                name="Recherche et développement",
                code="RD",
                teams=(
                    ("Matériaux", "Materials"),
                    ("Énergie", "Energy systems"),
                    ("Prototypage", "Prototyping"),
                    "Simulation",
                ),
                titles=(
                    title("Ingénieur R&D", "R&D engineer", "Ingénieure R&D"),
                    title("Chercheur", "Research scientist", "Chercheuse"),
                    title(
                        "Technicien de laboratoire", "Lab technician", "Technicienne de laboratoire"
                    ),
                ),
                skills=(
                    ("Simulation numérique", "Numerical simulation"),
                    "Matlab",
                    ("Éléments finis", "Finite element analysis"),
                    ("Matériaux composites", "Composite materials"),
                    ("Thermique", "Thermal engineering"),
                    ("Brevets", "Patents"),
                    "CATIA",
                ),
            ),
            Department(
                name="Bureau d'études",
                code="BE",
                teams=(
                    ("Conception mécanique", "Mechanical design"),
                    ("Électronique", "Electronics"),
                    ("Logiciel embarqué", "Embedded software"),
                    ("Essais", "Testing"),
                ),
                titles=(
                    title("Dessinateur-projeteur", "Design draughtsman", "Dessinatrice-projeteuse"),
                    title("Ingénieur conception", "Design engineer", "Ingénieure conception"),
                    title("Développeur embarqué", "Embedded developer", "Développeuse embarquée"),
                    title("Technicien essais", "Test technician", "Technicienne essais"),
                ),
                skills=(
                    "CATIA",
                    "SolidWorks",
                    ("C embarqué", "Embedded C"),
                    ("Cotation fonctionnelle", "GD&T"),
                    ("Électronique de puissance", "Power electronics"),
                    "Altium",
                    ("Essais", "Testing"),
                ),
            ),
        ),
    ),
    Division(
        name="Commercial et marketing",
        code="COM",
        head=title("Directeur commercial", "Chief Commercial Officer", "Directrice commerciale"),
        departments=(
            Department(
                name="Ventes France",
                code="VENTES",
                teams=(
                    ("Grands comptes", "Key accounts"),
                    ("PME", "SMB sales"),
                    ("Avant-vente", "Presales"),
                    ("Administration des ventes", "Sales operations"),
                ),
                titles=(
                    title("Ingénieur commercial", "Account executive", "Ingénieure commerciale"),
                    title("Chargé d'affaires", "Business manager", "Chargée d'affaires"),
                    title("Assistant ADV", "Sales assistant", "Assistante ADV"),
                    title("Key account manager", "Key account manager"),
                ),
                skills=(
                    ("Négociation", "Negotiation"),
                    "Salesforce",
                    ("Prospection", "Prospecting"),
                    ("Relation client", "Customer relations"),
                    ("Appels d'offres", "Tenders"),
                    ("Gestion de comptes", "Account management"),
                ),
            ),
            Department(
                name="Marketing",
                code="MKT",
                teams=(
                    ("Marketing produit", "Product marketing"),
                    ("Marketing digital", "Digital marketing"),
                    ("Événementiel", "Events"),
                    ("Études de marché", "Market research"),
                ),
                titles=(
                    title("Chef de produit", "Product manager", "Cheffe de produit"),
                    title(
                        "Chargé de marketing digital",
                        "Digital marketing specialist",
                        "Chargée de marketing digital",
                    ),
                    title("Chargé d'événements", "Events coordinator", "Chargée d'événements"),
                ),
                skills=(
                    ("Réseaux sociaux", "Social media"),
                    "SEO",
                    ("Rédaction", "Copywriting"),
                    "Marketing automation",
                    "Google Analytics",
                    ("Études de marché", "Market research"),
                    ("Design graphique", "Graphic design"),
                ),
            ),
            Department(
                name="International",
                code="INTL",
                teams=(
                    "Europe",
                    ("Amériques", "Americas"),
                    ("Asie-Pacifique", "Asia-Pacific"),
                    "Export",
                ),
                titles=(
                    title("Responsable export", "Export manager"),
                    title("Business developer", "Business developer"),
                    title("Area sales manager", "Area sales manager"),
                ),
                skills=(
                    ("Négociation", "Negotiation"),
                    ("Développement commercial", "Business development"),
                    "Export",
                    "Incoterms",
                    "Salesforce",
                    ("Anglais des affaires", "Business English"),
                ),
            ),
            Department(
                name="Service client",
                code="SAV",
                teams=(
                    ("Support niveau 1", "Tier 1 support"),
                    ("Support expert", "Expert support"),
                    ("Réclamations", "Claims"),
                ),
                titles=(
                    title("Conseiller client", "Customer advisor", "Conseillère client"),
                    title("Technicien support", "Support technician", "Technicienne support"),
                    title("Chargé de réclamations", "Claims handler", "Chargée de réclamations"),
                ),
                skills=(
                    ("Relation client", "Customer relations"),
                    ("Écoute active", "Active listening"),
                    "Zendesk",
                    ("Gestion des réclamations", "Complaint handling"),
                    ("Médiation", "Mediation"),
                ),
            ),
        ),
    ),
    Division(
        name="Systèmes d'information",
        code="DSI",
        head=title(
            "Directeur des systèmes d'information",
            "Chief Information Officer",
            "Directrice des systèmes d'information",
        ),
        departments=(
            Department(
                name="Infrastructure et cloud",
                code="INFRA",
                teams=(
                    ("Réseaux", "Networks"),
                    ("Cloud et serveurs", "Cloud and servers"),
                    ("Support utilisateurs", "Service desk"),
                    ("Postes de travail", "End-user computing"),
                ),
                titles=(
                    title(
                        "Administrateur systèmes",
                        "Systems administrator",
                        "Administratrice systèmes",
                    ),
                    title("Ingénieur réseau", "Network engineer", "Ingénieure réseau"),
                    title("Technicien support", "Service desk technician", "Technicienne support"),
                    title("Architecte cloud", "Cloud architect"),
                ),
                skills=(
                    "Linux",
                    ("Réseaux", "Networking"),
                    "Kubernetes",
                    "ITIL",
                    "Azure",
                    "Ansible",
                    "Windows Server",
                    "VMware",
                ),
            ),
            Department(
                name="Digital workplace",
                code="DWP",
                teams=(
                    ("Réseau social d'entreprise", "Enterprise social network"),
                    ("Collaboration", "Collaboration tools"),
                    ("Conduite du changement", "Change management"),
                ),
                titles=(
                    title(
                        "Chef de projet digital workplace",
                        "Digital workplace project manager",
                        "Cheffe de projet digital workplace",
                    ),
                    title(
                        "Chargé de conduite du changement",
                        "Change manager",
                        "Chargée de conduite du changement",
                    ),
                    title(
                        "Formateur outils collaboratifs",
                        "Collaboration tools trainer",
                        "Formatrice outils collaboratifs",
                    ),
                ),
                skills=(
                    ("Conduite du changement", "Change management"),
                    "Microsoft 365",
                    ("Animation de communautés", "Community management"),
                    ("Formation", "Training"),
                    ("Gestion de projet", "Project management"),
                    ("Accessibilité numérique", "Digital accessibility"),
                ),
            ),
            Department(
                name="Applications métier",
                code="APPS",
                teams=(
                    "ERP",
                    "CRM",
                    ("Intégration", "Integration"),
                    ("Développement", "Software development"),
                ),
                titles=(
                    title("Développeur", "Software developer", "Développeuse"),
                    title("Consultant ERP", "ERP consultant", "Consultante ERP"),
                    title("Chef de projet SI", "IT project manager", "Cheffe de projet SI"),
                    title("Architecte logiciel", "Software architect"),
                ),
                skills=(
                    "Java",
                    "SAP",
                    "Python",
                    "API REST",
                    ("Gestion de projet", "Project management"),
                    "Django",
                    ("Tests automatisés", "Test automation"),
                    "Salesforce",
                ),
            ),
            Department(
                name="Cybersécurité",
                code="CYBER",
                teams=(
                    "SOC",
                    ("Gouvernance et risques", "Governance and risk"),
                    ("Sécurité applicative", "Application security"),
                ),
                titles=(
                    title("Analyste SOC", "SOC analyst"),
                    title("Auditeur sécurité", "Security auditor", "Auditrice sécurité"),
                    title("Responsable conformité sécurité", "Security compliance officer"),
                ),
                skills=(
                    "ISO 27001",
                    "SIEM",
                    ("Gestion des risques", "Risk management"),
                    ("Tests d'intrusion", "Penetration testing"),
                    ("RGPD", "GDPR"),
                    ("Cryptographie", "Cryptography"),
                ),
            ),
        ),
    ),
    Division(
        name="Fonctions support",
        code="SUP",
        head=title("Secrétaire général", "Chief Administrative Officer", "Secrétaire générale"),
        departments=(
            Department(
                name="Communication",
                code="COMM",
                teams=(
                    ("Communication interne", "Internal communications"),
                    ("Communication externe", "External communications"),
                    ("Studio graphique", "Design studio"),
                ),
                titles=(
                    title(
                        "Chargé de communication",
                        "Communications officer",
                        "Chargée de communication",
                    ),
                    title("Rédacteur", "Content writer", "Rédactrice"),
                    title("Graphiste", "Graphic designer"),
                    title("Attaché de presse", "Press officer", "Attachée de presse"),
                ),
                skills=(
                    ("Rédaction", "Copywriting"),
                    ("Communication interne", "Internal communications"),
                    ("Animation de communautés", "Community management"),
                    ("Relations presse", "Press relations"),
                    ("Réseaux sociaux", "Social media"),
                    ("Design graphique", "Graphic design"),
                    ("Vidéo", "Video"),
                ),
            ),
            Department(
                name="Ressources humaines",
                code="RH",
                teams=(
                    ("Recrutement", "Talent acquisition"),
                    ("Formation", "Learning and development"),
                    ("Paie et administration", "Payroll"),
                    ("Relations sociales", "Employee relations"),
                ),
                titles=(
                    title("Chargé de recrutement", "Recruiter", "Chargée de recrutement"),
                    title("Gestionnaire de paie", "Payroll officer"),
                    title("Chargé de formation", "Learning specialist", "Chargée de formation"),
                    title("HR business partner", "HR business partner"),
                ),
                skills=(
                    ("Recrutement", "Recruitment"),
                    ("Droit social", "Employment law"),
                    ("Formation", "Training"),
                    ("Paie", "Payroll"),
                    ("Marque employeur", "Employer branding"),
                    "SIRH",
                ),
            ),
            Department(
                name="Finance",
                code="FIN",
                teams=(
                    ("Comptabilité", "Accounting"),
                    ("Contrôle de gestion", "Financial control"),
                    ("Trésorerie", "Treasury"),
                    ("Fiscalité", "Tax"),
                ),
                titles=(
                    title("Comptable", "Accountant"),
                    title(
                        "Contrôleur de gestion", "Financial controller", "Contrôleuse de gestion"
                    ),
                    title("Trésorier", "Treasury analyst", "Trésorière"),
                    title("Analyste financier", "Financial analyst", "Analyste financière"),
                ),
                skills=(
                    ("Comptabilité", "Accounting"),
                    "Excel",
                    ("Contrôle de gestion", "Management control"),
                    "IFRS",
                    "SAP FI",
                    ("Consolidation", "Financial consolidation"),
                    ("Fiscalité", "Taxation"),
                    ("Modélisation financière", "Financial modelling"),
                ),
            ),
            Department(
                name="Juridique et achats",
                code="JUR",
                teams=(
                    ("Juridique", "Legal"),
                    ("Achats", "Procurement"),
                    ("Conformité", "Compliance"),
                ),
                titles=(
                    title("Juriste", "Legal counsel"),
                    title("Acheteur", "Buyer", "Acheteuse"),
                    title("Chargé de conformité", "Compliance officer", "Chargée de conformité"),
                ),
                skills=(
                    ("Droit des contrats", "Contract law"),
                    ("Négociation", "Negotiation"),
                    ("Sourcing", "Sourcing"),
                    ("RGPD", "GDPR"),
                    ("Conformité", "Compliance"),
                    ("Propriété intellectuelle", "Intellectual property"),
                ),
            ),
        ),
    ),
)

CEO_TITLE = title(
    "Président-directeur général", "Chief Executive Officer", "Présidente-directrice générale"
)
DEPARTMENT_HEAD = title("Responsable du département", "Head of department")
TEAM_LEAD = title("Responsable d'équipe", "Team lead")

# Extra departments when the organisation outgrows the vocabulary: "Production Nord", ...
DEPARTMENT_VARIANTS = ("", " Nord", " Sud", " Est", " Ouest", " Centre", " Atlantique")

# Skills found in every department: they make people from different units meet.
CROSS_SKILLS: tuple[Term, ...] = (
    ("Gestion de projet", "Project management"),
    "Excel",
    ("Anglais", "English"),
    ("Management", "People management"),
    ("Agilité", "Agile"),
    ("Prise de parole", "Public speaking"),
    ("Analyse de données", "Data analysis"),
    ("Animation de réunions", "Facilitation"),
    ("Allemand", "German"),
    ("Espagnol", "Spanish"),
)

INTERESTS: tuple[Term, ...] = (
    ("Course à pied", "Running"),
    ("Vélo", "Cycling"),
    ("Randonnée", "Hiking"),
    ("Photographie", "Photography"),
    ("Développement durable", "Sustainability"),
    ("Cuisine", "Cooking"),
    ("Musique", "Music"),
    ("Lecture", "Reading"),
    ("Jeux de société", "Board games"),
    ("Jardinage", "Gardening"),
    ("Intelligence artificielle", "Artificial intelligence"),
    ("Escalade", "Climbing"),
    ("Yoga", "Yoga"),
    ("Bénévolat", "Volunteering"),
    ("Mentorat", "Mentoring"),
    ("Innovation", "Innovation"),
    ("Apiculture", "Beekeeping"),
    ("Cinéma", "Cinema"),
    ("Voyages", "Travel"),
    ("Théâtre", "Theatre"),
    ("Football", "Football"),
    ("Rugby", "Rugby"),
    ("Voile", "Sailing"),
    ("Échecs", "Chess"),
    ("Diversité et inclusion", "Diversity and inclusion"),
    ("Covoiturage", "Car sharing"),
    ("Bricolage", "DIY"),
    ("Astronomie", "Astronomy"),
    ("Danse", "Dance"),
    ("Natation", "Swimming"),
)


@dataclass(frozen=True)
class SiteInfo:
    name: str
    city: str
    country: str
    language: str
    # Fictional numbers: ARCEP keeps 01 99 00 and 04 65 71 (and 06 39 98 for mobiles) for works
    # of fiction; Ofcom keeps 020 7946 0000-0999 for drama. Nobody is ever called by mistake.
    landline: str
    weight: int


SITES: tuple[SiteInfo, ...] = (
    SiteInfo("Lyon", "Lyon", "FR", "fr", "+33 4 65 71 {a:02d} {b:02d}", 45),
    SiteInfo("Paris", "Paris", "FR", "fr", "+33 1 99 00 {a:02d} {b:02d}", 35),
    SiteInfo("London", "London", "GB", "en", "+44 20 7946 0{a:01d}{b:02d}", 20),
)
FRENCH_MOBILE = "+33 6 39 98 {a:02d} {b:02d}"

SPOKEN_EXTRA = ("es", "de", "it", "pt", "ar", "nl", "pl", "ro", "zh", "vi", "tr")

FRENCH_FEMALE = _names(
    "Camille, Léa, Manon, Chloé, Emma, Inès, Sarah, Julie, Laura, Marie, Anaïs, Clara, Lucie, "
    "Pauline, Mathilde, Charlotte, Élise, Juliette, Margaux, Océane, Amandine, Aurélie, Céline, "
    "Nathalie, Isabelle, Sandrine, Sophie, Valérie, Émilie, Audrey, Claire, Hélène, Agathe, Zoé, "
    "Louise, Alice, Jeanne, Salomé, Nadia, Yasmine, Leïla, Sonia, Virginie, Delphine, Stéphanie, "
    "Karine, Florence, Bérénice, Solène, Aïcha, Mélanie, Élodie, Gaëlle, Noémie, Anne, Catherine, "
    "Sylvie, Justine, Lina, Maëlle"
)
FRENCH_MALE = _names(
    "Thomas, Nicolas, Julien, Maxime, Alexandre, Antoine, Hugo, Lucas, Louis, Arthur, Baptiste, "
    "Mathieu, Romain, Guillaume, Pierre, Quentin, Clément, Florian, Kévin, Jérôme, Sébastien, "
    "Olivier, Laurent, Philippe, Christophe, Stéphane, Frédéric, Benoît, Damien, Vincent, Yann, "
    "Gaël, Mehdi, Karim, Rachid, Samir, Théo, Paul, Victor, Adrien, Bastien, Cédric, Fabien, "
    "Grégoire, Hervé, Loïc, Marc, Raphaël, Simon, Tristan, Jean, François, Bruno, Éric, Franck, "
    "Xavier, Ibrahim, Malik, Noé, Jules"
)
FRENCH_LAST = _names(
    "Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, "
    "Michel, Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, "
    "Lambert, Fontaine, Rousseau, Vincent, Muller, Lefèvre, Faure, André, Mercier, Blanc, Guérin, "
    "Boyer, Garnier, Chevalier, François, Legrand, Gauthier, Garcia, Perrin, Robin, Clément, "
    "Morin, Nicolas, Henry, Roussel, Mathieu, Masson, Marchand, Duval, Denis, Dumont, Lemaire, "
    "Noël, Meyer, Dufour, Meunier, Brun, Blanchard, Giraud, Joly, Rivière, Lucas, Brunet, "
    "Gaillard, Barbier, Arnaud, Martinez, Gérard, Roche, Renard, Schmitt, Roy, Leroux, Colin, "
    "Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix, Olivier, "
    "Bourgeois, Rey, Leclerc, Payet, Rolland, Guillaume, Lecomte, Lopez, Dupuy, Guillot, Hubert, "
    "Berger, Carpentier, Sanchez, Dupuis, Moulin, Deschamps, Huet, Vasseur, Perez, Boucher, "
    "Fleury, Royer, Klein, Jacquet, Adam, Poirier, Marty, Aubry, Guyot, Carré, Charpentier, "
    "Ménard, Maillard, Baron, Bertin, Bailly, Schneider, Fernandez, Le Gall, Collet, Léger, "
    "Bouvier, Prévost, Millet, Perrot, Cousin, Germain, Breton, Besson, Langlois, Rémy, Le Goff, "
    "Pelletier, Lévêque, Perrier, Leblanc, Lebrun, Weber, Hamon, Boulanger, Jacob, Monnier, "
    "Michaud, Gillet, Étienne, Poulain, Tessier, Chauvin, Da Silva, Bouchet, Lemaître, Maréchal, "
    "Humbert, Reynaud, Cordier, Pichon, Lejeune, Gilbert, Lamy, Delaunay, Pasquier, Nguyen, Tran, "
    "Diallo, Traoré, Benali, Haddad, Bensaïd, Kowalski, Ferreira, Rossi, Costa, Ouédraogo, "
    "N'Diaye, Belkacem, Cohen, Nowak, Da Costa"
)
ENGLISH_FEMALE = _names(
    "Olivia, Amelia, Isla, Ava, Emily, Sophie, Grace, Charlotte, Lily, Ella, Hannah, Lucy, Chloe, "
    "Jessica, Rebecca, Rachel, Laura, Megan, Katie, Fiona, Priya, Aisha, Niamh, Eilidh, Zara, "
    "Harriet, Imogen, Abigail"
)
ENGLISH_MALE = _names(
    "Oliver, George, Harry, Jack, Jacob, Noah, Charlie, Thomas, Oscar, William, James, Daniel, "
    "Samuel, Joseph, Alexander, Ethan, Benjamin, Matthew, Ryan, Liam, Callum, Rhys, Arjun, Tariq, "
    "Dev, Owen, Ewan"
)
ENGLISH_LAST = _names(
    "Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, Thompson, "
    "Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Patel, Khan, Lewis, "
    "Harris, Martin, Cooper, King, Lee, Baker, Harrison, Morgan, Allen, Young, Scott, Mitchell, "
    "Turner, Hughes, Edwards, Hill, Moore, Phillips, Campbell, Anderson, Murray, O'Brien, Shah, "
    "Ali, Begum, Kaur, Singh, Chen, Okafor, Mensah, MacDonald, Reid"
)

# Bios avoid grammar that depends on the words filled in (articles, elision) except through
# the computed fields: {e} is "e" for women (Arrivée), {de_interest} elides (d'apiculture).
BIOS_FR = (
    "{title} chez Hélios depuis {year}. Mes sujets : {skill}, {skill2}. En dehors du travail : "
    "{interest_l}.",
    "Dans l'équipe {unit} depuis {year}. Contactez-moi pour toute question sur {skill} ou "
    "{skill2}.",
    "Arrivé{e} à {city} en {year}. Passionné{e} {de_interest}, toujours partant{e} pour "
    "échanger sur {skill}.",
    "{title}. Ce qui me motive : les projets qui mêlent {skill} et {skill2}. Côté loisirs : "
    "{interest_l}.",
    "Je travaille sur {skill} au sein de l'équipe {unit}. Passionné{e} {de_interest}, je "
    "partage volontiers mes bonnes adresses.",
)
BIOS_EN = (
    "{title} at Hélios since {year}. Happy to help with anything about {skill}; outside work: "
    "{interest_l}.",
    "Joined the {unit} team in {year}. Ask me about {skill} or {skill2}.",
    "Based in {city} since {year}. Keen on {interest_l} and always up for a chat about {skill}.",
    "{title}. I enjoy projects that bring together {skill} and {skill2}. Off duty: {interest_l}.",
)


@dataclass(frozen=True)
class Partner:
    company: str
    domain: str
    language: str
    title: Title
    # Guest accounts of the partner's people; the first partner's first one is the persona.
    guests: int = 1


PARTNERS: tuple[Partner, ...] = (
    # The first partner's guest is the guest persona (see personas.py).
    Partner(
        "Kestrel Consulting Ltd",
        "kestrel-consulting.example",
        "en",
        title("Consultant en conduite du changement", "Change management consultant"),
        guests=2,
    ),
    Partner(
        "Nexia Conseil",
        "nexia-conseil.example",
        "fr",
        title("Consultant RSE", "Enterprise social network consultant", "Consultante RSE"),
        guests=2,
    ),
    Partner(
        "Atelier Boréal",
        "atelier-boreal.example",
        "fr",
        title("Designer de services", "Service designer"),
    ),
)


# ---------------------------------------------------------------- communities

# Kind codes and visibilities as the communities app knows them (migration 0002_default_kinds).
PROJECT, PROFESSION, BEST_PRACTICE, INTEREST = "project", "profession", "best_practice", "interest"
OPEN, PRIVATE, SECRET = "open", "private", "secret"


@dataclass(frozen=True)
class CommunityInfo:
    """A community of the catalogue and whom it draws its members from.

    Members come mostly from the ``departments`` (codes of ``DIVISIONS``) and from people with
    one of the ``skills`` or ``interests``, with a long tail of curious colleagues from
    elsewhere. ``site`` and ``speaks`` restrict who may be a member at all.
    """

    name: str
    kind: str
    visibility: str
    language: str  # of its description and charter
    pitch: str
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    size: str = "small"  # see COMMUNITY_SIZES
    departments: tuple[str, ...] = ()
    skills: tuple[Term, ...] = ()
    interests: tuple[Term, ...] = ()
    site: str = ""  # only people working at this site (a name of SITES)
    speaks: str = ""  # only people who speak this language
    managers: bool = False  # only people who manage someone
    leaders: bool = False  # the chief executive and the division heads above all
    partners: tuple[str, ...] = ()  # domains of the partners whose guests are members
    invited_partners: tuple[str, ...] = ()  # ... whose guests have an invitation waiting
    # (persona key, role): "owner", "animator", "member", or "request" for a pending request.
    personas: tuple[tuple[str, str], ...] = ()
    charter: str = ""  # its own charter, else the one of its kind in its language
    archived: bool = False
    requested: bool = False  # opened lately through an approved creation request
    # Big organisations get one chapter per site; the London one uses the English wording.
    name_en: str = ""
    pitch_en: str = ""


# At 300 people: (fewest, most) internal members, and how that grows with the organisation
# (exponent of people / 300): big open communities grow with the company, clubs and project
# teams much more slowly.
COMMUNITY_SIZES: dict[str, tuple[int, int, float]] = {
    "large": (60, 130, 0.9),
    "medium": (15, 40, 0.6),
    "small": (5, 25, 0.4),
}

KESTREL, NEXIA, BOREAL = (
    "kestrel-consulting.example",
    "nexia-conseil.example",
    "atelier-boreal.example",
)

CONFIDENTIAL_CHARTER_FR = (
    "- Tout ce qui est partagé ici est confidentiel : ne le transférez pas, ne le citez pas "
    "ailleurs.\n"
    "- Seuls les propriétaires invitent de nouveaux membres.\n"
    "- En cas de doute sur ce qui peut être écrit, demandez d'abord à un propriétaire.\n"
)

# The kinds' own charters (migration 0002) are in English; French communities get these.
CHARTERS_FR: dict[str, str] = {
    PROJECT: (
        "- Cet espace sert l'équipe projet : les décisions y sont écrites.\n"
        "- Indiquez le lot de travaux concerné dans vos questions.\n"
        "- Les documents vivent dans l'espace documentaire du projet, pas en pièces jointes.\n"
        "- Bienveillance et présomption de bonne foi.\n"
    ),
    PROFESSION: (
        "- Partagez ce que vous apprenez, y compris ce qui n'a pas marché.\n"
        "- Posez vos questions : il n'y en a pas de naïves ; signalez la meilleure réponse.\n"
        "- Rien de confidentiel sur nos clients ni sur nos collègues.\n"
    ),
    BEST_PRACTICE: (
        "- Une publication par pratique, avec son contexte et ses résultats.\n"
        "- Citez les personnes et les équipes à l'origine d'une pratique.\n"
        "- On discute des arguments, pas des personnes.\n"
    ),
    INTEREST: (
        "- Tout le monde est bienvenu, débutants compris.\n"
        "- On reste convivial et respectueux.\n"
        "- Pas de publicité.\n"
    ),
}

TOPICS_HEADING = {"fr": "## Ce que vous trouverez ici", "en": "## What you will find here"}
DESCRIPTION_ENDINGS: dict[tuple[str, str], str] = {
    (PROJECT, "fr"): (
        "## Comment nous travaillons\n"
        "- Un point d'avancement chaque semaine ; le compte rendu est publié ici.\n"
        "- Les décisions sont consignées dans le fil « Décisions ».\n"
        "- Les documents de référence sont épinglés."
    ),
    (PROJECT, "en"): (
        "## How we work\n"
        "- A weekly progress call; the minutes are posted here.\n"
        "- Decisions are written down in the “Decisions” thread.\n"
        "- Reference documents are pinned."
    ),
    (PROFESSION, "fr"): (
        "## Pour participer\n"
        "Présentez-vous en quelques mots, posez vos questions et partagez vos retours "
        "d'expérience, y compris ce qui n'a pas marché."
    ),
    (PROFESSION, "en"): (
        "## Taking part\n"
        "Introduce yourself, ask your questions and share what you learn, including what did "
        "not work."
    ),
    (BEST_PRACTICE, "fr"): (
        "## Comment contribuer\n"
        "Une publication par pratique : le contexte, ce que vous avez fait, les résultats "
        "obtenus. Les pratiques adoptées sont rassemblées dans le fil épinglé."
    ),
    (BEST_PRACTICE, "en"): (
        "## Contributing\n"
        "One post per practice: the context, what you did and what came of it. Adopted "
        "practices are collected in the pinned thread."
    ),
    (INTEREST, "fr"): (
        "## Pour nous rejoindre\n"
        "Tout le monde est bienvenu, débutants compris. Les rendez-vous sont annoncés ici."
    ),
    (INTEREST, "en"): (
        "## Joining in\nEveryone is welcome, beginners included. Meet-ups are announced here."
    ),
}
CHAPTER_INTRO = {
    "fr": "L'antenne de {site} de la communauté « {name} ». ",
    "en": "The {site} chapter of “{name}”. ",
}

# In order of importance: a small organisation gets the first ones its departments allow,
# a large one more (see generator.community_count). The first twelve show every kind,
# visibility, persona role and kind of request, and fit the smallest organisation.
COMMUNITIES: tuple[CommunityInfo, ...] = (
    CommunityInfo(
        name="Ambassadeurs Rucher",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Le réseau des ambassadeurs de Rucher, notre réseau social d'entreprise : une "
            "personne relais par équipe pour partager les bons usages, remonter les questions "
            "du terrain et aider chacun à se lancer."
        ),
        topics=(
            "Astuces et tutoriels pour bien démarrer",
            "Retours d'expérience des équipes pilotes",
            "Questions fréquentes et irritants remontés du terrain",
            "Idées d'animation pour faire vivre une communauté",
        ),
        tags=("Rucher", "Réseau social d'entreprise", "Adoption", "Ambassadeurs"),
        size="large",
        departments=("DWP", "COMM"),
        skills=(
            ("Animation de communautés", "Community management"),
            ("Conduite du changement", "Change management"),
        ),
        interests=(("Innovation", "Innovation"),),
        personas=(
            ("project_lead", "owner"),
            ("animator", "animator"),
            ("employee", "member"),
            ("admin", "member"),
        ),
    ),
    CommunityInfo(
        name="Data & IA",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "La communauté des data scientists, data engineers, analystes et de tous les "
            "curieux de la donnée : modèles, pipelines, tableaux de bord et usages de l'IA "
            "dans nos métiers."
        ),
        topics=(
            "Retours d'expérience sur nos outils : Python, dbt, Spark, Power BI",
            "Cas d'usage de l'IA dans les usines et au service client",
            "Qualité et gouvernance des données",
            "Le « Data Lunch », premier jeudi du mois",
        ),
        tags=("Data", "IA", "Machine learning", "Python"),
        size="medium",
        departments=("DATA",),
        skills=(
            "Python",
            "SQL",
            ("Statistiques", "Statistics"),
            ("Analyse de données", "Data analysis"),
        ),
        interests=(("Intelligence artificielle", "Artificial intelligence"),),
        personas=(("employee", "member"),),
    ),
    CommunityInfo(
        name="Projet Rucher — déploiement",
        kind=PROJECT,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "L'espace de l'équipe projet qui déploie Rucher dans tout le groupe, avec nos "
            "partenaires Kestrel Consulting (conduite du changement) et Nexia Conseil "
            "(accompagnement des animateurs)."
        ),
        topics=(
            "Planning des vagues de déploiement par site",
            "Formation des animateurs et des ambassadeurs",
            "Indicateurs d'adoption et enquêtes utilisateurs",
            "Comptes rendus du comité de pilotage",
        ),
        tags=("Rucher", "Déploiement", "Conduite du changement"),
        departments=("DWP", "COMM", "RH"),
        skills=(("Conduite du changement", "Change management"),),
        partners=(KESTREL, NEXIA),
        personas=(("project_lead", "owner"), ("animator", "member")),
    ),
    CommunityInfo(
        name="Projet ERP 2027",
        kind=PROJECT,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "Le remplacement de notre ERP vieillissant par SAP S/4HANA, avec une bascule "
            "prévue en janvier 2027. Kestrel Consulting accompagne la conduite du changement "
            "auprès des utilisateurs clés."
        ),
        topics=(
            "Calendrier des lots : finance, achats, production, logistique",
            "Ateliers de conception et arbitrages",
            "Plan de formation des utilisateurs clés",
            "Stratégie de reprise des données",
        ),
        tags=("ERP", "SAP", "S/4HANA", "Transformation"),
        size="medium",
        departments=("APPS", "FIN", "LOG", "PROD"),
        skills=("SAP", "SAP FI", "SAP PP"),
        partners=(KESTREL,),
    ),
    CommunityInfo(
        name="Club photo",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Pour les passionnés de photo, débutants ou confirmés : sorties, défis mensuels, "
            "conseils techniques et, chaque année, l'exposition dans le hall du siège."
        ),
        topics=(
            "Le défi photo du mois (thème annoncé le 1er)",
            "Conseils de prise de vue et de retouche",
            "Sorties photo le week-end",
        ),
        tags=("Photo", "Club", "Loisirs"),
        interests=(("Photographie", "Photography"),),
        personas=(("animator", "animator"),),
        name_en="Photo club",
        pitch_en=(
            "Monthly photo challenges, weekend photo walks and tips on shooting and editing, "
            "for beginners and seasoned photographers alike."
        ),
    ),
    CommunityInfo(
        name="IA générative — pilote",
        kind=PROJECT,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "Le pilote des assistants d'IA générative : choix des cas d'usage, évaluation des "
            "outils, règles d'utilisation définies avec le juridique et la cybersécurité. "
            "Groupe restreint aux testeurs désignés."
        ),
        topics=(
            "Cas d'usage retenus et critères d'évaluation",
            "Charte d'utilisation et données autorisées",
            "Retours hebdomadaires des testeurs",
        ),
        tags=("IA", "IA générative", "Pilote"),
        departments=("DATA", "APPS", "CYBER", "JUR"),
        interests=(("Intelligence artificielle", "Artificial intelligence"),),
        personas=(("employee", "request"),),
    ),
    CommunityInfo(
        name="Cercle des managers",
        kind=PROFESSION,
        visibility=SECRET,
        language="fr",
        pitch=(
            "Un espace entre managers pour s'entraider sur les situations délicates : "
            "recrutements, entretiens annuels, conflits, changements d'organisation."
        ),
        topics=(
            "Codéveloppement : un cas par mois, en petit groupe",
            "Ressources RH pour les entretiens et les feedbacks",
            "Questions sur les réorganisations en cours",
        ),
        tags=("Management", "Leadership", "Codéveloppement"),
        size="medium",
        managers=True,
        charter=CONFIDENTIAL_CHARTER_FR,
    ),
    CommunityInfo(
        name="Migration Windows 11",
        kind=PROJECT,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "La migration des postes de travail vers Windows 11, de la préparation des "
            "masters au support après migration. Projet terminé : l'espace est archivé et "
            "reste consultable."
        ),
        topics=(
            "Planning de migration par site",
            "Problèmes connus et contournements",
            "Bilan du projet",
        ),
        tags=("Windows 11", "Poste de travail", "Migration"),
        departments=("INFRA", "DWP"),
        archived=True,
    ),
    CommunityInfo(
        name="Course à pied",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Sorties du midi, plans d'entraînement et inscriptions groupées aux courses : que "
            "vous prépariez un marathon ou vos premiers 5 km, venez courir avec nous."
        ),
        topics=(
            "Sorties le mardi et le jeudi à 12 h 15",
            "Inscriptions groupées (maillot Hélios offert)",
            "Conseils d'entraînement et de récupération",
        ),
        tags=("Running", "Sport", "Course à pied"),
        size="medium",
        interests=(("Course à pied", "Running"),),
        personas=(("employee", "member"),),
        name_en="Running club",
        pitch_en=(
            "Lunchtime runs, training plans and group entries to races, whether you are "
            "training for a marathon or your first 5k."
        ),
    ),
    CommunityInfo(
        name="Vélotaf",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Aller au travail à vélo : itinéraires conseillés, parkings sécurisés sur nos "
            "sites, entretien, forfait mobilités durables."
        ),
        topics=(
            "Itinéraires testés et approuvés",
            "Atelier réparation le premier vendredi du mois",
            "Défi « Au boulot à vélo » en juin",
        ),
        tags=("Vélo", "Mobilité", "Développement durable"),
        interests=(("Vélo", "Cycling"), ("Développement durable", "Sustainability")),
        requested=True,
    ),
    CommunityInfo(
        name="Refonte du portail client",
        kind=PROJECT,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "Repenser le portail client avec nos clients : parcours de commande, suivi des "
            "interventions, documentation en ligne. Atelier Boréal nous accompagne sur le "
            "design de service."
        ),
        topics=(
            "Entretiens clients et personas",
            "Maquettes et tests utilisateurs",
            "Priorisation du backlog",
        ),
        tags=("Portail client", "Expérience client", "Design de service"),
        departments=("SAV", "MKT", "APPS", "VENTES"),
        invited_partners=(BOREAL,),
    ),
    CommunityInfo(
        name="Sécurité au travail",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Zéro accident, c'est l'affaire de tous. On partage ici les retours d'expérience "
            "après incident, les bonnes pratiques de prévention et les campagnes sécurité du "
            "groupe."
        ),
        topics=(
            "Quarts d'heure sécurité : supports prêts à l'emploi",
            "Retours d'expérience après presque-accident",
            "Équipements de protection : essais et avis",
            "Calendrier des formations et des habilitations",
        ),
        tags=("Sécurité", "Prévention", "HSE"),
        size="large",
        departments=("QHSE", "PROD", "MAINT", "LOG"),
        skills=(
            ("Sécurité au travail", "Workplace safety"),
            ("Habilitation électrique", "Electrical safety"),
            "CACES",
        ),
    ),
    CommunityInfo(
        name="Maintenance prédictive",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Techniciens de maintenance et data scientists ensemble pour anticiper les "
            "pannes : capteurs, analyse vibratoire, modèles de prédiction et retours des "
            "lignes pilotes de Lyon."
        ),
        topics=(
            "Résultats des capteurs posés sur la ligne d'usinage 2",
            "Quels indicateurs suivre dans la GMAO",
            "Détection d'anomalies : ce qui marche, ce qui ne marche pas",
        ),
        tags=("Maintenance", "Prédictif", "IoT", "Data"),
        departments=("MAINT", "DATA"),
        skills=(
            ("Analyse vibratoire", "Vibration analysis"),
            ("Fiabilité", "Reliability"),
            ("GMAO", "CMMS"),
        ),
        personas=(("employee", "member"),),
    ),
    CommunityInfo(
        name="Projet Orion",
        kind=PROJECT,
        visibility=SECRET,
        language="fr",
        pitch=(
            "Étude d'une acquisition dans l'hydraulique industrielle. Strictement "
            "confidentiel : chaque membre a signé un engagement de confidentialité."
        ),
        topics=(
            "Calendrier des étapes et des comités",
            "Synthèses des audits d'acquisition",
            "Questions juridiques et financières",
        ),
        tags=("Orion", "Acquisition"),
        departments=("FIN", "JUR"),
        leaders=True,
        charter=CONFIDENTIAL_CHARTER_FR,
    ),
    CommunityInfo(
        name="English speakers in Lyon",
        kind=INTEREST,
        visibility=OPEN,
        language="en",
        pitch=(
            "Lunchtime conversation tables, book swaps and the odd pub quiz for everyone at "
            "the Lyon site who speaks English: native speakers, expats and learners alike."
        ),
        topics=(
            "Conversation table every Tuesday at 12:30, cafeteria, level 2",
            "Book and film recommendations",
            "Practical tips for newcomers to Lyon",
        ),
        tags=("English", "Lyon", "Languages"),
        site="Lyon",
        speaks="en",
    ),
    CommunityInfo(
        name="Lean & amélioration continue",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Les chantiers d'amélioration continue de nos usines et de nos services : 5S, "
            "SMED, résolution de problèmes, rituels d'équipe. Les bonnes idées d'un site "
            "profitent aux autres."
        ),
        topics=(
            "Retours de chantiers Kaizen, avec photos avant/après",
            "Modèles prêts à l'emploi : A3, 8D, management visuel",
            "Formations Green Belt et Black Belt",
            "Les petites victoires de la semaine",
        ),
        tags=("Lean", "Amélioration continue", "Kaizen", "Excellence opérationnelle"),
        size="medium",
        departments=("PROD", "QHSE", "LOG"),
        skills=(
            "Lean",
            ("Amélioration continue", "Continuous improvement"),
            "5S",
            "Kaizen",
            "Six Sigma",
            "SMED",
        ),
    ),
    CommunityInfo(
        name="Parcours animateurs de communautés",
        kind=PROJECT,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "La formation des animateurs de nos communautés, conçue et animée avec Nexia "
            "Conseil : quatre demi-journées, des exercices entre deux sessions et un suivi "
            "individuel."
        ),
        topics=(
            "Calendrier des promotions et inscriptions",
            "Supports des sessions",
            "Exercices entre deux sessions et retours des participants",
        ),
        tags=("Animation", "Formation", "Rucher"),
        departments=("DWP", "COMM", "RH"),
        skills=(("Animation de communautés", "Community management"), ("Formation", "Training")),
        partners=(NEXIA,),
        personas=(("animator", "member"), ("project_lead", "member")),
    ),
    CommunityInfo(
        name="Cloud & DevOps",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Infrastructure as code, conteneurs, supervision et automatisation : la communauté "
            "de celles et ceux qui construisent et font tourner nos plateformes."
        ),
        topics=(
            "Modules Terraform et rôles Ansible partagés",
            "Retours d'incidents (post-mortems sans reproches)",
            "Veille Kubernetes et Azure",
        ),
        tags=("Cloud", "DevOps", "Kubernetes", "Azure"),
        size="medium",
        departments=("INFRA", "APPS"),
        skills=("Kubernetes", "Azure", "Linux", "Ansible"),
        personas=(("admin", "member"),),
    ),
    CommunityInfo(
        name="Référents cybersécurité",
        kind=PROFESSION,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "Le réseau des référents cybersécurité de chaque direction : alertes, campagnes "
            "de sensibilisation, exercices d'hameçonnage et remontée des incidents."
        ),
        topics=(
            "Alertes en cours et consignes",
            "Kits de sensibilisation pour vos équipes",
            "Résultats des exercices d'hameçonnage",
        ),
        tags=("Cybersécurité", "Sensibilisation", "Référents"),
        departments=("CYBER", "INFRA"),
        skills=("ISO 27001", ("Gestion des risques", "Risk management"), ("RGPD", "GDPR")),
        personas=(("admin", "member"),),
    ),
    CommunityInfo(
        name="Télétravail & outils collaboratifs",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Réunions hybrides, organisation du travail à distance, astuces sur nos outils "
            "collaboratifs : posez vos questions, partagez vos trucs, l'équipe Digital "
            "workplace répond."
        ),
        topics=(
            "Astuces Microsoft 365 de la semaine",
            "Bien animer une réunion hybride",
            "Vos questions, nos réponses",
        ),
        tags=("Télétravail", "Travail hybride", "Outils collaboratifs"),
        size="large",
        departments=("DWP", "INFRA"),
        skills=("Microsoft 365",),
    ),
    CommunityInfo(
        name="Customer care network",
        kind=PROFESSION,
        visibility=OPEN,
        language="en",
        pitch=(
            "Support agents, account managers and export teams comparing notes on how we "
            "look after our customers in France and abroad: tricky cases, reply templates, "
            "satisfaction scores."
        ),
        topics=(
            "Case of the week",
            "Shared reply templates in French and English",
            "Customer satisfaction results by quarter",
        ),
        tags=("Customer service", "Support", "Customer experience"),
        size="medium",
        departments=("SAV", "INTL", "VENTES"),
        skills=(("Relation client", "Customer relations"), "Zendesk"),
    ),
    CommunityInfo(
        name="Qualité & audits",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Auditeurs, ingénieurs et techniciens qualité : préparation des audits, plans "
            "d'action, méthodes de résolution de problèmes et veille normative."
        ),
        topics=(
            "Calendrier des audits internes et de certification",
            "Modèles 8D et AMDEC",
            "Évolutions des normes ISO 9001 et ISO 14001",
        ),
        tags=("Qualité", "ISO 9001", "Audit"),
        departments=("QHSE",),
        skills=("ISO 9001", ("Audit", "Auditing"), "8D", ("AMDEC", "FMEA")),
    ),
    CommunityInfo(
        name="Intégration des nouveaux arrivants",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Comment bien accueillir un nouveau collègue ? Parcours d'intégration, kits de "
            "bienvenue, parrainage : managers, RH et parrains partagent ce qui marche."
        ),
        topics=(
            "La check-list du premier jour",
            "Le programme de parrainage",
            "Retours des nouveaux arrivants",
        ),
        tags=("Onboarding", "Intégration", "Parrainage"),
        size="medium",
        departments=("RH",),
        skills=(("Recrutement", "Recruitment"), ("Formation", "Training")),
        interests=(("Mentorat", "Mentoring"),),
    ),
    CommunityInfo(
        name="Excel, Power BI & tableaux de bord",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Formules, tableaux croisés dynamiques, Power Query, rapports Power BI : "
            "l'entraide entre utilisateurs, du débutant à l'expert."
        ),
        topics=(
            "La formule de la semaine",
            "Modèles de tableaux de bord à réutiliser",
            "Questions et réponses",
        ),
        tags=("Excel", "Power BI", "Reporting"),
        size="medium",
        departments=("FIN", "DATA"),
        skills=("Excel", "Power BI", ("Analyse de données", "Data analysis")),
    ),
    CommunityInfo(
        name="Gestion de projet & agilité",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Méthodes, modèles et retours d'expérience de chefs de projet de toutes les "
            "directions : cadrage, planning, gestion des risques, Scrum et Kanban."
        ),
        topics=(
            "Modèles de note de cadrage et de planning",
            "Rétrospectives : formats qui marchent",
            "Retours d'expérience de fin de projet",
        ),
        tags=("Gestion de projet", "Agilité", "Scrum"),
        size="medium",
        skills=(("Gestion de projet", "Project management"), ("Agilité", "Agile")),
    ),
    CommunityInfo(
        name="Hélios London",
        kind=INTEREST,
        visibility=OPEN,
        language="en",
        pitch=(
            "News, lunches and practicalities for everyone at the London office: building "
            "works, the summer party, visitors from Lyon and Paris, and who brought cake."
        ),
        topics=("Office news", "Friday lunches", "Welcome to newcomers"),
        tags=("London", "Site life"),
        size="medium",
        site="London",
    ),
    CommunityInfo(
        name="Apiculteurs d'Hélios",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Les six ruches du toit du site de Lyon et tous les curieux d'apiculture : visites "
            "des ruches, récolte du miel en juin, conseils pour les apiculteurs amateurs."
        ),
        topics=("Nouvelles des ruches", "Inscriptions aux visites", "La récolte de l'année"),
        tags=("Apiculture", "Abeilles", "Biodiversité"),
        interests=(("Apiculture", "Beekeeping"), ("Jardinage", "Gardening")),
    ),
    CommunityInfo(
        name="Jeux de société",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Une soirée jeux par mois, des prêts de boîtes et des découvertes : des jeux "
            "d'ambiance aux jeux experts, il y a une table pour vous."
        ),
        tags=("Jeux de société", "Loisirs"),
        interests=(("Jeux de société", "Board games"), ("Échecs", "Chess")),
        name_en="Board games",
        pitch_en="Monthly games nights and a shared shelf of games to borrow.",
    ),
    CommunityInfo(
        name="Projet Boussole — compétences",
        kind=PROJECT,
        visibility=SECRET,
        language="fr",
        pitch=(
            "La cartographie des compétences et des métiers de demain, avant sa présentation "
            "aux partenaires sociaux. Confidentiel jusqu'à l'annonce."
        ),
        tags=("GPEC", "Compétences"),
        departments=("RH",),
        leaders=True,
        charter=CONFIDENTIAL_CHARTER_FR,
    ),
    CommunityInfo(
        name="Randonnée & montagne",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Sorties à la journée dans les monts du Lyonnais, le Vercors ou la Chartreuse, "
            "covoiturage organisé, conseils de matériel et d'itinéraires."
        ),
        tags=("Randonnée", "Montagne", "Escalade"),
        interests=(("Randonnée", "Hiking"), ("Escalade", "Climbing")),
    ),
    CommunityInfo(
        name="Sobriété énergétique",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Réduire la consommation d'énergie de nos sites : air comprimé, éclairage, "
            "chauffage, veille des machines. Chaque pratique est chiffrée en kWh économisés."
        ),
        tags=("Énergie", "Développement durable", "ISO 50001"),
        departments=("MAINT", "PROD", "QHSE"),
        skills=("ISO 14001",),
        interests=(("Développement durable", "Sustainability"),),
    ),
    CommunityInfo(
        name="Marketing digital",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Référencement, campagnes, réseaux sociaux et mesure d'audience : les marketeurs "
            "et communicants du groupe partagent leurs résultats et leurs outils."
        ),
        tags=("Marketing", "SEO", "Réseaux sociaux"),
        departments=("MKT", "COMM"),
        skills=("SEO", ("Réseaux sociaux", "Social media"), "Google Analytics"),
    ),
    CommunityInfo(
        name="Diversité & inclusion",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Handicap, égalité femmes-hommes, diversité des parcours : s'informer, échanger "
            "et proposer des actions concrètes avec la mission diversité des RH."
        ),
        tags=("Diversité", "Inclusion", "Égalité"),
        interests=(("Diversité et inclusion", "Diversity and inclusion"),),
    ),
    CommunityInfo(
        name="Mentorat & parrainage",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Le programme de mentorat du groupe : trouver un mentor, devenir mentor, "
            "partager ce que ces échanges vous ont apporté."
        ),
        tags=("Mentorat", "Parrainage", "Développement professionnel"),
        departments=("RH",),
        interests=(("Mentorat", "Mentoring"),),
    ),
    CommunityInfo(
        name="Supply chain & logistique",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Approvisionnement, stocks, entrepôts et transport : les logisticiens du groupe "
            "partagent indicateurs, outils et solutions aux casse-têtes du quotidien."
        ),
        tags=("Supply chain", "Logistique", "Stocks"),
        size="medium",
        departments=("LOG",),
        skills=("Supply chain", ("Gestion des stocks", "Inventory management"), "WMS"),
    ),
    CommunityInfo(
        name="CAO & conception mécanique",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Modélisation 3D, mises en plan, cotation fonctionnelle, bibliothèques de "
            "composants : l'entraide entre concepteurs CATIA et SolidWorks."
        ),
        tags=("CAO", "CATIA", "SolidWorks"),
        departments=("BE", "RD"),
        skills=("CATIA", "SolidWorks", ("Cotation fonctionnelle", "GD&T")),
    ),
    CommunityInfo(
        name="Veille R&D",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Articles, brevets, salons et conférences : ce que nos ingénieurs ont repéré "
            "d'intéressant pour les produits de demain."
        ),
        tags=("R&D", "Veille", "Innovation"),
        departments=("RD", "BE"),
        skills=(
            ("Simulation numérique", "Numerical simulation"),
            ("Matériaux composites", "Composite materials"),
            ("Brevets", "Patents"),
        ),
        interests=(("Innovation", "Innovation"),),
    ),
    CommunityInfo(
        name="Finance & contrôle de gestion",
        kind=PROFESSION,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Clôtures, budgets, reporting et normes comptables : la communauté des équipes "
            "finance de toutes les entités du groupe."
        ),
        tags=("Finance", "Contrôle de gestion", "IFRS"),
        departments=("FIN",),
        skills=(("Contrôle de gestion", "Management control"), "IFRS"),
    ),
    CommunityInfo(
        name="Réseau RH",
        kind=PROFESSION,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "L'espace des équipes RH du groupe : actualité sociale, processus, calendrier de "
            "paie et entraide entre RH de proximité. Réservé aux équipes RH."
        ),
        tags=("RH", "Paie", "Relations sociales"),
        departments=("RH",),
    ),
    CommunityInfo(
        name="Export & international markets",
        kind=PROFESSION,
        visibility=OPEN,
        language="en",
        pitch=(
            "Market intelligence, distributor news, trade fairs and customs questions for "
            "everyone who sells Hélios products outside France."
        ),
        tags=("Export", "International", "Trade fairs"),
        departments=("INTL", "VENTES"),
        skills=("Export", "Incoterms", ("Développement commercial", "Business development")),
    ),
    CommunityInfo(
        name="Hackathon Hélios 2026",
        kind=PROJECT,
        visibility=OPEN,
        language="fr",
        pitch=(
            "48 heures pour prototyper des idées qui simplifient le quotidien de nos usines "
            "et de nos clients : inscription des équipes, défis proposés par les directions, "
            "jury et prix."
        ),
        tags=("Hackathon", "Innovation", "Prototypage"),
        departments=("DATA", "RD", "APPS"),
        interests=(("Innovation", "Innovation"),),
    ),
    CommunityInfo(
        name="Plan de reprise informatique",
        kind=PROJECT,
        visibility=SECRET,
        language="fr",
        pitch=(
            "Préparation et tests du plan de reprise d'activité informatique. Espace "
            "confidentiel : il décrit nos points faibles."
        ),
        tags=("PRA", "Résilience"),
        departments=("INFRA", "CYBER"),
        charter=CONFIDENTIAL_CHARTER_FR,
    ),
    CommunityInfo(
        name="Yoga & bien-être",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Yoga le mardi midi, méditation, et des conseils pour le dos quand on passe la "
            "journée assis, ou debout sur une ligne."
        ),
        tags=("Yoga", "Bien-être"),
        interests=(("Yoga", "Yoga"),),
        name_en="Yoga & wellbeing",
        pitch_en="Tuesday lunchtime yoga, short meditation sessions and back-care tips.",
    ),
    CommunityInfo(
        name="Covoiturage",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Trouver un équipage pour venir au travail : trajets réguliers, dépannages "
            "ponctuels, et un peu moins de voitures sur nos parkings."
        ),
        tags=("Covoiturage", "Mobilité"),
        size="medium",
        interests=(("Covoiturage", "Car sharing"), ("Développement durable", "Sustainability")),
        name_en="Car sharing",
        pitch_en="Find colleagues to share the drive to work with, regularly or just once.",
    ),
    CommunityInfo(
        name="Foot du jeudi",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Five tous les jeudis à 18 h, tournoi inter-sites en juin, et pronostics pendant "
            "les grandes compétitions."
        ),
        tags=("Football", "Sport"),
        interests=(("Football", "Football"), ("Rugby", "Rugby")),
        name_en="Five-a-side football",
        pitch_en="Five-a-side every Thursday at 6 pm and the inter-site tournament in June.",
    ),
    CommunityInfo(
        name="Cinéphiles",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch="Critiques, coups de cœur, sorties en groupe et places à tarif réduit via le CSE.",
        tags=("Cinéma", "Théâtre", "Culture"),
        interests=(("Cinéma", "Cinema"), ("Théâtre", "Theatre")),
    ),
    CommunityInfo(
        name="Bénévolat & solidarité",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Les associations soutenues par les collaborateurs, les journées solidaires et "
            "les collectes organisées sur nos sites."
        ),
        tags=("Bénévolat", "Solidarité", "Associations"),
        interests=(("Bénévolat", "Volunteering"),),
    ),
    CommunityInfo(
        name="Musiciens d'Hélios",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Celles et ceux qui jouent, chantent ou mixent : bœufs après le travail, groupe de "
            "la fête de fin d'année, échanges de partitions."
        ),
        tags=("Musique", "Loisirs"),
        interests=(("Musique", "Music"), ("Danse", "Dance")),
    ),
    CommunityInfo(
        name="Achats responsables",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Choisir des fournisseurs durables et fiables : grilles d'évaluation, clauses "
            "contractuelles, retours d'expérience des acheteurs."
        ),
        tags=("Achats", "RSE", "Fournisseurs"),
        departments=("JUR", "LOG"),
        skills=(("Sourcing", "Sourcing"), ("Négociation", "Negotiation")),
    ),
    CommunityInfo(
        name="Comité exécutif",
        kind=PROFESSION,
        visibility=SECRET,
        language="fr",
        pitch=(
            "L'espace de travail du comité exécutif : ordres du jour, décisions et suivi des "
            "chantiers stratégiques."
        ),
        tags=("Comex", "Stratégie"),
        managers=True,
        leaders=True,
        charter=CONFIDENTIAL_CHARTER_FR,
    ),
    CommunityInfo(
        name="Grands comptes",
        kind=PROFESSION,
        visibility=PRIVATE,
        language="fr",
        pitch=(
            "Stratégie de compte, appels d'offres en cours, retours de rendez-vous : l'espace "
            "réservé aux équipes commerciales grands comptes et avant-vente."
        ),
        tags=("Grands comptes", "Ventes", "Avant-vente"),
        departments=("VENTES",),
        skills=(("Gestion de comptes", "Account management"), ("Appels d'offres", "Tenders")),
    ),
    CommunityInfo(
        name="Accessibilité numérique",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Rendre nos documents, sites et applications accessibles à tous : règles RGAA, "
            "outils de test, modèles de documents accessibles."
        ),
        tags=("Accessibilité", "RGAA", "Handicap"),
        departments=("DWP", "APPS", "MKT"),
        skills=(("Accessibilité numérique", "Digital accessibility"),),
    ),
    CommunityInfo(
        name="Python @ Hélios",
        kind=PROFESSION,
        visibility=OPEN,
        language="en",
        pitch=(
            "Python users across the group, from data science to web apps, automation and "
            "test scripts: code reviews, library tips and a monthly lightning-talk session."
        ),
        tags=("Python", "Django", "Automation"),
        departments=("DATA", "APPS"),
        skills=("Python", "Django", ("Tests automatisés", "Test automation")),
    ),
    CommunityInfo(
        name="Prise de parole en public",
        kind=BEST_PRACTICE,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Présenter en comité, animer un atelier, pitcher un projet : s'entraîner entre "
            "collègues et partager les techniques qui donnent de l'assurance."
        ),
        tags=("Prise de parole", "Présentation", "Facilitation"),
        skills=(
            ("Prise de parole", "Public speaking"),
            ("Animation de réunions", "Facilitation"),
        ),
    ),
    CommunityInfo(
        name="Parents au travail",
        kind=INTEREST,
        visibility=OPEN,
        language="fr",
        pitch=(
            "Concilier vie professionnelle et vie de famille : modes de garde, congés, "
            "activités du mercredi et bons plans entre parents."
        ),
        tags=("Parentalité", "Équilibre vie pro-vie perso"),
    ),
)

# Big organisations run more projects: (name, language, visibility, departments, goal, tags).
MORE_PROJECTS: tuple[tuple[str, str, str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (
        "Projet Atlas — nouveau WMS",
        "fr",
        PRIVATE,
        ("LOG", "APPS"),
        "Remplacer le logiciel de gestion des entrepôts d'ici la fin de l'année, sans arrêter "
        "les expéditions.",
        ("WMS", "Logistique", "Atlas"),
    ),
    (
        "Ligne de conditionnement n° 4",
        "fr",
        PRIVATE,
        ("PROD", "MAINT", "BE"),
        "Installer et démarrer la quatrième ligne de conditionnement de Lyon : réception des "
        "machines, qualification, montée en cadence.",
        ("Industrialisation", "Conditionnement"),
    ),
    (
        "Jumeau numérique de l'usine",
        "fr",
        PRIVATE,
        ("DATA", "PROD", "BE"),
        "Une maquette numérique de l'usine de Lyon pour simuler les flux et tester les "
        "changements d'implantation avant de les faire.",
        ("Jumeau numérique", "Simulation", "Industrie 4.0"),
    ),
    (
        "Certification ISO 50001",
        "fr",
        PRIVATE,
        ("QHSE", "MAINT"),
        "Obtenir la certification de management de l'énergie pour les sites de Lyon et Paris.",
        ("ISO 50001", "Énergie", "Certification"),
    ),
    (
        "Migration vers le cloud",
        "fr",
        PRIVATE,
        ("INFRA", "APPS", "CYBER"),
        "Migrer les applications de la salle serveurs de Paris vers le cloud, application par "
        "application.",
        ("Cloud", "Migration", "Azure"),
    ),
    (
        "SOC 24/7",
        "fr",
        SECRET,
        ("CYBER",),
        "Mettre en place la surveillance de sécurité en continu avec un prestataire, "
        "procédures d'escalade comprises.",
        ("SOC", "Cybersécurité"),
    ),
    (
        "Lancement de la gamme Hélios Pro",
        "fr",
        PRIVATE,
        ("MKT", "RD", "VENTES"),
        "Préparer le lancement de la nouvelle gamme professionnelle : positionnement, prix, "
        "supports de vente, formation des commerciaux.",
        ("Lancement produit", "Marketing"),
    ),
    (
        "Salon Global Industrie",
        "fr",
        OPEN,
        ("MKT", "VENTES", "RD"),
        "Préparer notre stand : démonstrateurs, planning de présence, prise de rendez-vous "
        "avec les clients.",
        ("Salon", "Événement"),
    ),
    (
        "Robotisation de l'usinage",
        "fr",
        PRIVATE,
        ("PROD", "BE", "MAINT"),
        "Automatiser le chargement des centres d'usinage avec deux cellules robotisées.",
        ("Robotique", "Usinage", "Automatisation"),
    ),
    (
        "Zéro papier en comptabilité",
        "fr",
        PRIVATE,
        ("FIN", "APPS"),
        "Dématérialiser les factures fournisseurs de bout en bout, de la réception au paiement.",
        ("Dématérialisation", "Comptabilité"),
    ),
    (
        "Baromètre social",
        "fr",
        PRIVATE,
        ("RH", "COMM"),
        "Préparer, lancer et analyser l'enquête annuelle d'engagement, puis suivre les plans "
        "d'action des équipes.",
        ("Enquête", "Engagement"),
    ),
    (
        "Plan de mobilité employeur",
        "fr",
        OPEN,
        ("RH", "QHSE"),
        "Moins de voitures individuelles pour venir sur nos sites : navettes, vélo, "
        "covoiturage, télétravail.",
        ("Mobilité", "Développement durable"),
    ),
    (
        "Refonte du site web",
        "fr",
        PRIVATE,
        ("MKT", "APPS", "COMM"),
        "Un nouveau site vitrine plus rapide, accessible et traduit en quatre langues.",
        ("Site web", "Refonte"),
    ),
    (
        "UK pricing review",
        "en",
        PRIVATE,
        ("INTL", "FIN", "VENTES"),
        "Review list prices and discounts for the UK and Irish markets ahead of the next "
        "catalogue.",
        ("Pricing", "UK"),
    ),
    (
        "Customs & cross-Channel shipping",
        "en",
        PRIVATE,
        ("LOG", "INTL"),
        "Keep shipments between Lyon and our UK customers moving: customs paperwork, brokers, "
        "lead times.",
        ("Customs", "Export", "Shipping"),
    ),
    (
        "Appel d'offres ferroviaire",
        "fr",
        SECRET,
        ("VENTES", "BE"),
        "Répondre à l'appel d'offres d'un grand opérateur ferroviaire : chiffrage, mémoire "
        "technique, planning. Confidentiel jusqu'à la remise de l'offre.",
        ("Appel d'offres", "Ferroviaire"),
    ),
    (
        "Renégociation des contrats fournisseurs",
        "fr",
        PRIVATE,
        ("JUR", "FIN"),
        "Renégocier les vingt premiers contrats d'achat avant leur échéance.",
        ("Achats", "Contrats"),
    ),
    (
        "Réduction des déchets de production",
        "fr",
        OPEN,
        ("QHSE", "PROD"),
        "Diviser par deux les déchets non valorisés de nos usines en deux ans.",
        ("Déchets", "Économie circulaire"),
    ),
    (
        "Onboarding digital",
        "fr",
        PRIVATE,
        ("RH", "DWP"),
        "Un parcours d'intégration en ligne pour chaque nouvel arrivant, de la signature du "
        "contrat à la fin de la période d'essai.",
        ("Onboarding", "RH"),
    ),
    (
        "Salles de réunion connectées",
        "fr",
        PRIVATE,
        ("INFRA", "DWP"),
        "Équiper cinquante salles de réunion pour les réunions hybrides.",
        ("Visioconférence", "Travail hybride"),
    ),
    (
        "Data platform",
        "en",
        PRIVATE,
        ("DATA", "INFRA"),
        "Build the group's shared data platform: ingestion, catalogue, access rules and the "
        "first data products.",
        ("Data platform", "Data engineering"),
    ),
    (
        "Tableaux de bord commerciaux",
        "fr",
        PRIVATE,
        ("VENTES", "DATA"),
        "Des tableaux de bord fiables pour piloter le chiffre d'affaires, les marges et le "
        "carnet de commandes.",
        ("Reporting", "Ventes", "Power BI"),
    ),
    (
        "Assistant virtuel du service client",
        "fr",
        PRIVATE,
        ("SAV", "DATA", "APPS"),
        "Un assistant conversationnel qui répond aux questions simples des clients, jour et nuit.",
        ("Chatbot", "Service client", "IA"),
    ),
    (
        "Réorganisation des entrepôts",
        "fr",
        PRIVATE,
        ("LOG", "QHSE"),
        "Repenser l'implantation des entrepôts pour réduire les déplacements et les risques "
        "de collision.",
        ("Entrepôt", "Logistique", "Sécurité"),
    ),
    (
        "Nouveau site de Villefranche",
        "fr",
        PRIVATE,
        ("PROD", "LOG", "MAINT", "JUR"),
        "Ouvrir un troisième site de production à Villefranche-sur-Saône : bâtiment, "
        "équipements, recrutements.",
        ("Villefranche", "Nouveau site"),
    ),
    (
        "Numérique responsable",
        "fr",
        OPEN,
        ("INFRA", "DWP"),
        "Allonger la durée de vie de nos équipements et réduire l'empreinte de nos usages "
        "numériques.",
        ("Numérique responsable", "Green IT"),
    ),
    (
        "Académie Hélios",
        "fr",
        PRIVATE,
        ("RH",),
        "Créer l'académie interne : catalogue de formations, formateurs internes, plateforme "
        "d'apprentissage.",
        ("Formation", "Académie"),
    ),
    (
        "Nouveau centre de services informatiques",
        "fr",
        PRIVATE,
        ("INFRA",),
        "Revoir le support aux utilisateurs : portail en libre-service, base de connaissances, "
        "engagements de délai.",
        ("Support", "ITIL"),
    ),
)

# Pending creation requests: (name, kind, visibility, interests or skills of the requester,
# purpose, intended members, expected activity, a question from the project team or "").
CREATION_REQUESTS: tuple[tuple[str, str, str, tuple[Term, ...], str, str, str, str], ...] = (
    (
        "Jardin partagé",
        INTEREST,
        OPEN,
        (("Jardinage", "Gardening"), ("Développement durable", "Sustainability")),
        "Créer un potager partagé sur la parcelle en friche derrière le bâtiment B, et un "
        "espace pour s'organiser : arrosage l'été, plantations, récoltes.",
        "Les collègues intéressés par le jardinage ; une vingtaine se sont déjà manifestés à "
        "la pause café, sur les sites de Lyon et de Paris.",
        "Deux ou trois publications par semaine au printemps et en été (planning d'arrosage, "
        "photos, astuces), plus calme en hiver.",
        "",
    ),
    (
        "Alternants et stagiaires",
        PROFESSION,
        OPEN,
        (("Recrutement", "Recruitment"), ("Formation", "Training")),
        "Un lieu d'entraide pour les alternants et les stagiaires du groupe : questions "
        "pratiques, retours sur les écoles, offres d'emploi à la sortie.",
        "Les 40 alternants et stagiaires de l'année, leurs tuteurs et l'équipe recrutement.",
        "Un fil de bienvenue à chaque rentrée, des questions pratiques au fil de l'eau, une "
        "rencontre par trimestre.",
        "Bonne idée ! Qui reprendra l'animation quand la promotion actuelle partira en septembre ?",
    ),
)

# The approved request behind each ``requested`` community: (purpose, intended members,
# expected activity).
REQUESTED_PURPOSES: dict[str, tuple[str, str, str]] = {
    "Vélotaf": (
        "Rassembler celles et ceux qui viennent au travail à vélo ou aimeraient s'y mettre : "
        "itinéraires, parkings, entretien.",
        "Les cyclistes de nos sites ; une trentaine de personnes utilisent déjà les parkings "
        "vélo de Lyon.",
        "Quelques publications par semaine, plus au printemps ; un atelier réparation par mois.",
    ),
}

JOIN_MESSAGES = {
    "fr": (
        "Bonjour, je travaille sur des sujets proches et j'aimerais suivre vos échanges.",
        "Bonjour ! Mon équipe est concernée par ce sujet : puis-je rejoindre l'espace ?",
        "Mon responsable m'a conseillé de vous rejoindre, merci d'avance.",
        "Je viens d'arriver et ce projet m'intéresse beaucoup.",
        "",
    ),
    "en": (
        "Hello, I work on related topics and would love to follow the discussions.",
        "Hi! My team is involved in this, may I join?",
        "My manager suggested I join you, thanks in advance.",
        "",
    ),
}
JOIN_REPLIES = {
    "fr": ("Bienvenue !", "Bienvenue parmi nous, présente-toi dans le fil d'accueil.", ""),
    "en": ("Welcome aboard!", "Welcome, do introduce yourself in the welcome thread.", ""),
}
LEA_JOIN_MESSAGE = (
    "Bonjour, je suis data scientist et je travaille déjà sur des modèles de langage pour "
    "analyser les retours clients : je serais ravie de contribuer au pilote."
)
GUEST_INVITATIONS = {
    "fr": "Bienvenue dans l'espace du projet : vous y trouverez le planning et les documents.",
    "en": "Welcome to the project space: the plan and the documents are all here.",
}
