/**
 * The demo content of the seed (prisma/seed.ts): organisations, committees, the published strategy and the
 * consultations, in Greek. Every name and text here is fictional demo data.
 */

/** A block of a rich-text body: a paragraph, a heading, or a list. */
export type Block = string | { heading: string } | { bullets: string[] } | { numbered: string[] };

export const DEMO_PASSWORD = "Synochi-demo-2026";

export type DemoRole = "citizen" | "moderator" | "directorate" | "admin";

export interface DemoAccount {
  /** Handle used inside the seed. */
  handle:
    | "citizen"
    | "citizen2"
    | "org"
    | "moderator"
    | "moderator2"
    | "chair"
    | "secretary"
    | "directorate"
    | "admin";
  email: string;
  displayName: string;
  roles: DemoRole[];
  note: string;
  locale: "el" | "en";
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    handle: "citizen",
    email: "citizen@demo.synochi.gr",
    displayName: "Μαρία Π.",
    roles: ["citizen"],
    note: "citizen (Patras) with proposals, needs, supports and comments",
    locale: "el",
  },
  {
    handle: "citizen2",
    email: "citizen2@demo.synochi.gr",
    displayName: "Γιώργος Κ.",
    roles: ["citizen"],
    note: "second citizen (Agrinio)",
    locale: "el",
  },
  {
    handle: "org",
    email: "org@demo.synochi.gr",
    displayName: "Ελένη Σ.",
    roles: ["citizen"],
    note: "representative of the NGO «Αλληλεγγύη Δυτικής Ελλάδας»; member of both consultation committees",
    locale: "el",
  },
  {
    handle: "moderator",
    email: "moderator@demo.synochi.gr",
    displayName: "Συντονιστής Α.",
    roles: ["citizen", "moderator"],
    note: "moderator",
    locale: "el",
  },
  {
    handle: "moderator2",
    email: "moderator2@demo.synochi.gr",
    displayName: "Συντονίστρια Β.",
    roles: ["citizen", "moderator"],
    note: "second moderator (decides appeals on the first one's actions)",
    locale: "en",
  },
  {
    handle: "chair",
    email: "chair@demo.synochi.gr",
    displayName: "Δημήτρης Α.",
    roles: ["citizen"],
    note: "chair of the Regional Consultation Committee of Western Greece and of the Municipal Consultation Committee of Patras",
    locale: "el",
  },
  {
    handle: "secretary",
    email: "secretary@demo.synochi.gr",
    displayName: "Κατερίνα Λ.",
    roles: ["citizen"],
    note: "secretary of the Regional Consultation Committee of Western Greece and of the Municipal Consultation Committee of Patras",
    locale: "el",
  },
  {
    handle: "directorate",
    email: "directorate@demo.synochi.gr",
    displayName: "Διεύθυνση Κοινωνικής Μέριμνας",
    roles: ["citizen", "directorate"],
    note: "officer of the Directorate of Social Welfare",
    locale: "el",
  },
  {
    handle: "admin",
    email: "admin@demo.synochi.gr",
    displayName: "Διαχειριστής",
    roles: ["citizen", "admin"],
    note: "administrator",
    locale: "el",
  },
];

export type Handle = DemoAccount["handle"];

export interface DemoOrganisation {
  handle: "ngo" | "patrasSocialService" | "agrinioCommunityCentre";
  name: string;
  kind: "municipal_social_service" | "community_centre" | "ngo";
  municipalityId: string;
  members: Handle[];
}

export const ORGANISATIONS: DemoOrganisation[] = [
  {
    handle: "ngo",
    name: "Αλληλεγγύη Δυτικής Ελλάδας (ΑμΚΕ)",
    kind: "ngo",
    municipalityId: "patras",
    members: ["org"],
  },
  {
    handle: "patrasSocialService",
    name: "Κοινωνική Υπηρεσία Δήμου Πατρέων",
    kind: "municipal_social_service",
    municipalityId: "patras",
    members: [],
  },
  {
    handle: "agrinioCommunityCentre",
    name: "Κέντρο Κοινότητας Δήμου Αγρινίου",
    kind: "community_centre",
    municipalityId: "agrinio",
    members: [],
  },
];

export interface DemoCommittee {
  handle: "regional" | "patras";
  name: string;
  level: "regional" | "municipal";
  regionalUnitCode?: string;
  municipalityId?: string;
  description: string;
  members: Array<{ who: Handle; role: "chair" | "secretary" | "member" }>;
}

export const COMMITTEES: DemoCommittee[] = [
  {
    handle: "regional",
    name: "Περιφερειακή Επιτροπή Διαβούλευσης Δυτικής Ελλάδας",
    level: "regional",
    description:
      "Η Επιτροπή Διαβούλευσης της Περιφέρειας Δυτικής Ελλάδας συζητά θέματα κοινωνικής προστασίας και διαβιβάζει τα πρακτικά της στη Διεύθυνση Κοινωνικής Μέριμνας.",
    members: [
      { who: "chair", role: "chair" },
      { who: "secretary", role: "secretary" },
      { who: "org", role: "member" },
    ],
  },
  {
    handle: "patras",
    name: "Δημοτική Επιτροπή Διαβούλευσης Δήμου Πατρέων",
    level: "municipal",
    regionalUnitCode: "EL632",
    municipalityId: "patras",
    description:
      "Η Δημοτική Επιτροπή Διαβούλευσης του Δήμου Πατρέων φέρνει στη συζήτηση τις ανάγκες κοινωνικής ένταξης της πόλης και των χωριών του Δήμου.",
    members: [
      { who: "chair", role: "chair" },
      { who: "secretary", role: "secretary" },
      { who: "org", role: "member" },
    ],
  },
];

export interface DemoMeasure {
  title: string;
  description: string;
  themes: string[];
  targetGroups: string[];
}

export interface DemoAxis {
  title: string;
  description: string;
  measures: DemoMeasure[];
}

export const STRATEGY = {
  label: "ΠεΣΚΕ Δυτικής Ελλάδας 2021–2027, έκδοση 1",
  axes: [
    {
      title: "Καταπολέμηση της φτώχειας και της υλικής στέρησης",
      description:
        "Άμεση στήριξη των νοικοκυριών που ζουν σε συνθήκες φτώχειας και πρόσβασή τους στα προγράμματα εισοδηματικής ενίσχυσης.",
      measures: [
        {
          title: "Κοινωνικά παντοπωλεία, συσσίτια και κοινωνικά φαρμακεία",
          description: "Ενίσχυση και δικτύωση των δομών άμεσης αντιμετώπισης της φτώχειας σε κάθε Δήμο.",
          themes: ["income_poverty"],
          targetGroups: ["homeless", "unemployed", "child_family"],
        },
        {
          title: "Αντιμετώπιση της ενεργειακής φτώχειας",
          description:
            "Στήριξη ευάλωτων νοικοκυριών για θέρμανση και ηλεκτρικό ρεύμα, με προτεραιότητα σε ηλικιωμένους και οικογένειες με παιδιά.",
          themes: ["income_poverty", "housing"],
          targetGroups: ["elderly", "child_family"],
        },
        {
          title: "Υποστηριζόμενη πρόσβαση σε επιδόματα και στο Ελάχιστο Εγγυημένο Εισόδημα",
          description:
            "Βοήθεια στις αιτήσεις από τα Κέντρα Κοινότητας και κινητές μονάδες για όσους δεν έχουν πρόσβαση στο διαδίκτυο.",
          themes: ["income_poverty"],
          targetGroups: ["unemployed", "disability", "elderly"],
        },
      ],
    },
    {
      title: "Πρόσβαση στην απασχόληση και στην εκπαίδευση",
      description:
        "Κατάρτιση, προώθηση στην απασχόληση και πρόληψη της σχολικής διαρροής για τις ευάλωτες ομάδες.",
      measures: [
        {
          title: "Κατάρτιση και προώθηση στην απασχόληση ευάλωτων ομάδων",
          description:
            "Προγράμματα κατάρτισης με πρακτική άσκηση σε τοπικές επιχειρήσεις και εξατομικευμένη συμβουλευτική.",
          themes: ["employment", "education_training"],
          targetGroups: ["unemployed", "roma", "refugees_migrants"],
        },
        {
          title: "Κοινωνική οικονομία και απασχόληση ατόμων με αναπηρία",
          description: "Στήριξη Κοινωνικών Συνεταιριστικών Επιχειρήσεων και υποστηριζόμενης απασχόλησης.",
          themes: ["employment"],
          targetGroups: ["disability", "mental_health"],
        },
        {
          title: "Πρόληψη της σχολικής διαρροής και ενισχυτική διδασκαλία",
          description: "Διαμεσολαβητές και δωρεάν ενισχυτική διδασκαλία για παιδιά από ευάλωτα νοικοκυριά.",
          themes: ["education_training"],
          targetGroups: ["child_family", "roma"],
        },
      ],
    },
    {
      title: "Στέγαση, υγεία και κοινωνική φροντίδα",
      description: "Στέγη για όσους τη χάνουν και υπηρεσίες φροντίδας κοντά στον πολίτη.",
      measures: [
        {
          title: "Δομές φιλοξενίας και προγράμματα στέγασης αστέγων",
          description: "Υπνωτήρια, ξενώνες μεταβατικής φιλοξενίας και προγράμματα «Στέγαση και Εργασία».",
          themes: ["housing"],
          targetGroups: ["homeless"],
        },
        {
          title: "Κέντρα Ημέρας και «Βοήθεια στο Σπίτι»",
          description: "Φροντίδα στο σπίτι και στην κοινότητα για ηλικιωμένους και άτομα με αναπηρία.",
          themes: ["health_care"],
          targetGroups: ["elderly", "disability"],
        },
        {
          title: "Ψυχική υγεία και απεξάρτηση στην κοινότητα",
          description: "Κινητές μονάδες ψυχικής υγείας και προγράμματα απεξάρτησης εκτός των μεγάλων πόλεων.",
          themes: ["health_care"],
          targetGroups: ["mental_health", "substance_use"],
        },
      ],
    },
    {
      title: "Κοινωνική συνοχή σε τοπικό επίπεδο",
      description:
        "Υπηρεσίες που φτάνουν στους ορεινούς και απομακρυσμένους οικισμούς και προστασία από τη βία.",
      measures: [
        {
          title: "Κινητές μονάδες κοινωνικής φροντίδας για ορεινές και απομακρυσμένες περιοχές",
          description:
            "Τακτικά δρομολόγια κοινωνικών λειτουργών, νοσηλευτών και μεταφοράς προς τις υπηρεσίες.",
          themes: ["local_environment", "health_care"],
          targetGroups: ["elderly", "disability"],
        },
        {
          title: "Προστασία θυμάτων ενδοοικογενειακής και έμφυλης βίας",
          description:
            "Συμβουλευτικά κέντρα, ξενώνες φιλοξενίας και συνεργασία με σχολεία και υπηρεσίες υγείας.",
          themes: ["health_care", "housing"],
          targetGroups: ["abuse", "child_family"],
        },
      ],
    },
  ] satisfies DemoAxis[],
};

export interface DemoArticle {
  title: string;
  body: Block[];
}

export interface DemoConsultation {
  handle: "strategyReview" | "patrasHomelessness" | "energyPoverty" | "mountainServices" | "accessibility";
  slug: string;
  title: string;
  summary: string;
  body: Block[];
  phase: "draft" | "open" | "closed" | "analysed" | "concluded";
  scopeLevel: "region" | "regional_unit" | "municipality";
  regionalUnitCode?: string;
  municipalityId?: string;
  committee?: "regional" | "patras";
  linkStrategy?: boolean;
  /** Days relative to the seed run (negative: in the past). */
  opensInDays?: number;
  closesInDays?: number;
  analysedInDays?: number;
  concludedInDays?: number;
  themes: string[];
  targetGroups: string[];
  articles?: DemoArticle[];
  /** How many seeded submissions it gets. */
  submissions: number;
}

export const CONSULTATIONS: DemoConsultation[] = [
  {
    handle: "strategyReview",
    slug: "anatheorisi-peske-2021-2027",
    title: "Ενδιάμεση αναθεώρηση της Περιφερειακής Στρατηγικής για την Κοινωνική Ένταξη 2021–2027",
    summary:
      "Η Διεύθυνση Κοινωνικής Μέριμνας ζητά τις προτάσεις και τις ανάγκες σας για την ενδιάμεση αναθεώρηση της ΠεΣΚΕ Δυτικής Ελλάδας. Σχολιάστε το σχέδιο άρθρο προς άρθρο ή καταθέστε δική σας πρόταση.",
    body: [
      { heading: "Γιατί αναθεωρούμε τη Στρατηγική" },
      "Η Περιφερειακή Στρατηγική για την Κοινωνική Ένταξη (ΠεΣΚΕ) ορίζει τις προτεραιότητες της Περιφέρειας Δυτικής Ελλάδας για την καταπολέμηση της φτώχειας και του κοινωνικού αποκλεισμού. Στο μέσο της προγραμματικής περιόδου εξετάζουμε τι λειτούργησε, τι δεν έφτασε σε όσους το είχαν ανάγκη και τι άλλαξε μετά την ενεργειακή κρίση και τις φυσικές καταστροφές των τελευταίων ετών.",
      { heading: "Πώς μπορείτε να συμμετάσχετε" },
      {
        bullets: [
          "Σχολιάστε κάθε άρθρο του σχεδίου και δηλώστε αν συμφωνείτε ή διαφωνείτε.",
          "Καταθέστε πρόταση, ανάγκη ή γνώμη για οποιοδήποτε θέμα κοινωνικής ένταξης.",
          "Στηρίξτε τις προτάσεις άλλων που θεωρείτε σημαντικές.",
        ],
      },
      "Όλες οι συμμετοχές καταγράφονται, κατηγοριοποιούνται και ιεραρχούνται. Στο τέλος της διαβούλευσης η Διεύθυνση απαντά δημόσια για το τι ενσωματώθηκε στη Στρατηγική και γιατί.",
    ],
    phase: "open",
    scopeLevel: "region",
    committee: "regional",
    linkStrategy: true,
    opensInDays: -12,
    closesInDays: 21,
    themes: [
      "income_poverty",
      "employment",
      "education_training",
      "housing",
      "health_care",
      "local_environment",
    ],
    targetGroups: ["child_family", "disability", "elderly", "unemployed", "homeless", "refugees_migrants"],
    submissions: 30,
    articles: [
      {
        title: "Σκοπός και πεδίο εφαρμογής",
        body: [
          "Η παρούσα αναθεώρηση επικαιροποιεί τους άξονες και τα μέτρα της ΠεΣΚΕ Δυτικής Ελλάδας 2021–2027, με βάση τα στοιχεία του Περιφερειακού Παρατηρητηρίου Κοινωνικής Ένταξης και τα αποτελέσματα της δημόσιας διαβούλευσης.",
          "Εφαρμόζεται σε όλες τις Περιφερειακές Ενότητες της Περιφέρειας (Αιτωλοακαρνανία, Αχαΐα, Ηλεία) και στις δομές κοινωνικής προστασίας των Δήμων τους.",
        ],
      },
      {
        title: "Στέγαση και αντιμετώπιση της αστεγίας",
        body: [
          "Η Περιφέρεια προτείνει:",
          {
            numbered: [
              "τη λειτουργία υπνωτηρίου όλο το έτος σε κάθε πόλη με περισσότερους από 50.000 κατοίκους,",
              "τη διεύρυνση του προγράμματος «Στέγαση και Εργασία» σε όλους τους Δήμους της Περιφέρειας,",
              "ταμείο έκτακτης στεγαστικής συνδρομής για νοικοκυριά που κινδυνεύουν με έξωση.",
            ],
          },
        ],
      },
      {
        title: "Πρόσβαση στην απασχόληση",
        body: [
          "Τα προγράμματα κατάρτισης συνδέονται με θέσεις πρακτικής άσκησης σε επιχειρήσεις της περιοχής. Οι ωφελούμενοι διατηρούν μέρος των επιδομάτων τους κατά τη διάρκεια της πρώτης απασχόλησης, ώστε η εργασία να μη σημαίνει απώλεια εισοδήματος.",
        ],
      },
      {
        title: "Υπηρεσίες φροντίδας σε ορεινές και απομακρυσμένες περιοχές",
        body: [
          "Κινητές μονάδες κοινωνικής φροντίδας επισκέπτονται τακτικά τους ορεινούς οικισμούς. Κάθε μονάδα αποτελείται από κοινωνικό λειτουργό, νοσηλευτή και οδηγό και συνεργάζεται με τα Κέντρα Κοινότητας και τα Κέντρα Υγείας.",
          "Όπου δεν υπάρχει δημόσια συγκοινωνία, οργανώνεται μεταφορά ηλικιωμένων και ατόμων με αναπηρία προς τις υπηρεσίες υγείας.",
        ],
      },
      {
        title: "Παρακολούθηση και αξιολόγηση",
        body: [
          "Το Περιφερειακό Παρατηρητήριο Κοινωνικής Ένταξης δημοσιεύει κάθε έτος έκθεση προόδου με δείκτες για κάθε μέτρο. Η έκθεση συζητείται στην Περιφερειακή Επιτροπή Διαβούλευσης και τα πρακτικά της διαβιβάζονται στο Περιφερειακό Συμβούλιο.",
        ],
      },
    ],
  },
  {
    handle: "patrasHomelessness",
    slug: "astegia-dimos-patreon",
    title: "Σχέδιο δράσης για την αστεγία στον Δήμο Πατρέων",
    summary:
      "Ο Δήμος Πατρέων και η Δημοτική Επιτροπή Διαβούλευσης καλούν τους κατοίκους, τους εργαζόμενους στις δομές και τους ίδιους τους άστεγους να πουν τι χρειάζεται η πόλη τον φετινό χειμώνα και μετά.",
    body: [
      "Τα τελευταία χρόνια αυξάνεται ο αριθμός των ανθρώπων που ζουν στον δρόμο ή σε ακατάλληλα καταλύματα στην Πάτρα. Το υπνωτήριο γεμίζει κάθε χειμώνα και οι δομές δεν επαρκούν για όσους έχουν και προβλήματα υγείας ή εξάρτησης.",
      "Το σχέδιο δράσης θα περιλάβει μέτρα για άμεση φιλοξενία, υγειονομική φροντίδα στον δρόμο, διεύθυνση αλληλογραφίας για όσους δεν έχουν κατοικία και διαδρομές προς την εργασία και τη μόνιμη στέγη.",
    ],
    phase: "open",
    scopeLevel: "municipality",
    regionalUnitCode: "EL632",
    municipalityId: "patras",
    committee: "patras",
    opensInDays: -6,
    closesInDays: 24,
    themes: ["housing", "health_care", "income_poverty"],
    targetGroups: ["homeless", "substance_use", "mental_health"],
    submissions: 12,
  },
  {
    handle: "energyPoverty",
    slug: "energeiaki-ftocheia-cheimonas",
    title: "Ενεργειακή φτώχεια: μέτρα στήριξης των νοικοκυριών για τον χειμώνα",
    summary:
      "Πώς μπορεί η Περιφέρεια, μαζί με τους Δήμους, να στηρίξει τα νοικοκυριά που δεν μπορούν να ζεσταθούν ή να πληρώσουν το ρεύμα; Η διαβούλευση έκλεισε και οι συμμετοχές αναλύονται.",
    body: [
      "Το κόστος θέρμανσης και ηλεκτρικού ρεύματος βαραίνει δυσανάλογα τους συνταξιούχους, τις οικογένειες με παιδιά και όσους ζουν σε παλιά, μη μονωμένα σπίτια.",
      "Ζητήσαμε προτάσεις για επιδόματα θέρμανσης, θερμαινόμενους χώρους, ενεργειακή αναβάθμιση κατοικιών και πρόληψη των διακοπών ρεύματος σε ευάλωτα νοικοκυριά.",
    ],
    phase: "closed",
    scopeLevel: "region",
    committee: "regional",
    linkStrategy: true,
    opensInDays: -50,
    closesInDays: -4,
    themes: ["income_poverty", "housing"],
    targetGroups: ["elderly", "child_family", "unemployed"],
    submissions: 16,
  },
  {
    handle: "mountainServices",
    slug: "koinonikes-domes-orinis-aitoloakarnanias",
    title: "Κοινωνικές υπηρεσίες στις ορεινές περιοχές της Αιτωλοακαρνανίας",
    summary:
      "Η διαβούλευση για την πρόσβαση των κατοίκων των ορεινών οικισμών στις κοινωνικές υπηρεσίες και στην υγεία ολοκληρώθηκε. Δείτε τι απάντησε η Διεύθυνση σε κάθε συμμετοχή.",
    body: [
      "Στους ορεινούς οικισμούς της Αιτωλοακαρνανίας ζουν κυρίως ηλικιωμένοι, συχνά μόνοι, μακριά από Κέντρα Υγείας, φαρμακεία και κοινωνικές υπηρεσίες. Η δημόσια συγκοινωνία είναι αραιή ή δεν υπάρχει.",
      "Οι συμμετοχές αξιολογήθηκαν και ενσωματώθηκαν στο μέτρο για κινητές μονάδες κοινωνικής φροντίδας της Στρατηγικής.",
    ],
    phase: "concluded",
    scopeLevel: "regional_unit",
    regionalUnitCode: "EL631",
    committee: "regional",
    linkStrategy: true,
    opensInDays: -220,
    closesInDays: -160,
    analysedInDays: -130,
    concludedInDays: -100,
    themes: ["local_environment", "health_care"],
    targetGroups: ["elderly", "disability"],
    submissions: 12,
  },
  {
    handle: "accessibility",
    slug: "prosvasimotita-dimosion-ypiresion-amea",
    title: "Προσβασιμότητα των δημόσιων υπηρεσιών για άτομα με αναπηρία",
    summary:
      "Σχέδιο διαβούλευσης (δεν έχει ανοίξει ακόμη): πώς γίνονται προσβάσιμα τα κτήρια, οι ιστότοποι και οι διαδικασίες των υπηρεσιών της Περιφέρειας και των Δήμων.",
    body: [
      "Η διαβούλευση θα αφορά τη φυσική πρόσβαση στα κτήρια, την ψηφιακή προσβασιμότητα των ιστοτόπων και των εντύπων και την εξυπηρέτηση ατόμων με αισθητηριακές και νοητικές αναπηρίες.",
    ],
    phase: "draft",
    scopeLevel: "region",
    committee: "regional",
    opensInDays: 14,
    closesInDays: 44,
    themes: ["local_environment", "health_care"],
    targetGroups: ["disability"],
    submissions: 0,
  },
];

export const COMMENT_TEXTS: Array<{ alignment: "in_favour" | "against" | "neutral"; body: string }> = [
  { alignment: "in_favour", body: "Συμφωνώ απόλυτα· το ίδιο πρόβλημα υπάρχει και στη δική μας γειτονιά." },
  {
    alignment: "in_favour",
    body: "Πολύ σωστή πρόταση. Θα βοηθούσε να οριστεί και χρονοδιάγραμμα υλοποίησης.",
  },
  {
    alignment: "in_favour",
    body: "Στηρίζω. Ως εθελόντρια σε κοινωνικό παντοπωλείο βλέπω καθημερινά αυτή την ανάγκη.",
  },
  {
    alignment: "against",
    body: "Διαφωνώ εν μέρει: χωρίς μόνιμο προσωπικό, μια ακόμη δομή θα κλείσει μόλις τελειώσει η χρηματοδότηση.",
  },
  {
    alignment: "against",
    body: "Δεν το βλέπω ως προτεραιότητα· πρώτα να λειτουργήσουν σωστά οι υπηρεσίες που ήδη υπάρχουν.",
  },
  {
    alignment: "neutral",
    body: "Υπάρχουν στοιχεία για το πόσα νοικοκυριά αφορά; Θα βοηθούσε να τα δούμε πριν αποφασιστεί κάτι.",
  },
  {
    alignment: "neutral",
    body: "Να ληφθούν υπόψη και οι ορεινοί οικισμοί, όπου η πρόσβαση είναι ακόμη πιο δύσκολη.",
  },
];

export const REPLY_TEXT =
  "Καλή παρατήρηση. Το Κέντρο Κοινότητας κρατά στοιχεία για τα αιτήματα του περασμένου χειμώνα· θα τα ζητήσουμε για την επόμενη συνεδρίαση.";

export const ARTICLE_COMMENTS: Array<{
  article: number;
  alignment: "in_favour" | "against" | "neutral";
  body: string;
}> = [
  {
    article: 1,
    alignment: "neutral",
    body: "Να αναφερθεί ρητά ότι η αναθεώρηση λαμβάνει υπόψη και τα πρακτικά των Δημοτικών Επιτροπών Διαβούλευσης.",
  },
  {
    article: 2,
    alignment: "in_favour",
    body: "Το υπνωτήριο όλο το χρόνο είναι απαραίτητο· το καλοκαίρι με τους καύσωνες οι ανάγκες είναι εξίσου μεγάλες.",
  },
  {
    article: 2,
    alignment: "against",
    body: "Το όριο των 50.000 κατοίκων αφήνει εκτός πόλεις όπως ο Πύργος και το Μεσολόγγι, όπου επίσης υπάρχουν άστεγοι.",
  },
  {
    article: 3,
    alignment: "in_favour",
    body: "Η διατήρηση μέρους του επιδόματος στην πρώτη δουλειά είναι το πιο σημαντικό σημείο όλου του σχεδίου.",
  },
  {
    article: 4,
    alignment: "neutral",
    body: "Πόσο συχνά θα περνούν οι κινητές μονάδες από κάθε χωριό; Μία φορά τον μήνα δεν αρκεί.",
  },
];

export const RESPONSE_REASONS: Record<"incorporated" | "partly" | "not_incorporated", string> = {
  incorporated:
    "Η συμμετοχή σας ενσωματώθηκε στη Στρατηγική, στο μέτρο για κινητές μονάδες κοινωνικής φροντίδας στις ορεινές και απομακρυσμένες περιοχές, που από φέτος καλύπτει και την Αιτωλοακαρνανία.",
  partly:
    "Ενσωματώθηκε εν μέρει: το μέτρο για τις κινητές μονάδες καλύπτει επισκέψεις κοινωνικού λειτουργού και νοσηλευτή και μεταφορά προς τα Κέντρα Υγείας, όχι όμως ακόμη όλα όσα ζητήσατε.",
  not_incorporated:
    "Δεν ενσωματώθηκε, γιατί το θέμα δεν ανήκει στην αρμοδιότητα της Περιφέρειας· η συμμετοχή σας διαβιβάστηκε στην αρμόδια υπηρεσία.",
};
