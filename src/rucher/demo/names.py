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


PARTNERS: tuple[Partner, ...] = (
    # The first partner's guest is the guest persona (see personas.py).
    Partner(
        "Kestrel Consulting Ltd",
        "kestrel-consulting.example",
        "en",
        title("Consultant en conduite du changement", "Change management consultant"),
    ),
    Partner(
        "Nexia Conseil",
        "nexia-conseil.example",
        "fr",
        title("Consultant RSE", "Enterprise social network consultant", "Consultante RSE"),
    ),
    Partner(
        "Atelier Boréal",
        "atelier-boreal.example",
        "fr",
        title("Designer de services", "Service designer"),
    ),
)
