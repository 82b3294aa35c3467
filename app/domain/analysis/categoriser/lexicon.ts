/**
 * A small bilingual domain lexicon: word stems of social-policy vocabulary grouped by meaning (housing,
 * money, work, school, health, transport, family, disability, old age, drugs, violence, migration,
 * emergencies, selling…). It does not decide any label: each group is one more input feature
 * ("k:<group>") whose weight for each label the model learns from the examples. What it adds is
 * generalisation: a word never seen in training (or written in English) still lands in the right group, so
 * a few hundred labelled texts go further. General Greek and English vocabulary, not phrases of the dev
 * files.
 *
 * Greek entries are prefixes of the normalised word (lower case, no accents, σ for ς); an entry ending in
 * "=" must match the whole word. A Greek-script word is matched by its spelling (greekSpelledGroups), a
 * Greeklish one by phonetic keys (greekGroups), since its transliteration guesses between letters that
 * sound alike. A prefix must not also begin common unrelated words: "αποψ" (άποψη) began απόψε, "απορ"
 * (άπορος) απορρίπτω, "συρι" (Συρία) σύριγγα, "φροντιστ" (carer) φροντιστήριο, and "πωλ" (πωλείται),
 * as a phonetic key "πολ", πολύ, πόλη and πολιτική; those are whole forms or longer prefixes. English
 * entries are prefixes of the lower-case word.
 */
import { phoneticKey } from "~/domain/text/greek.ts";

const GREEK: Record<string, string> = {
  housing:
    "σπιτ στεγ κατοικ ενοικ διαμερισμ σκην παραγκ κοντεινερ οικισκ εξωσ πλειστηριασμ δωματι " +
    "μετεγκατασταστ νοικιαζ νοικι= υγρασι μουχλ σκεπ ταβαν ιδιοκτητ",
  homeless:
    "κοιμ καδο= καδουσ= αστεγ παγκακ υπνωτηρι ξενων κοιμαμαι κοιμουνται κοιμηθ πεζοδρομι δρομο= δρομουσ= σκηνη",
  money:
    "λεφτα= χρηματ απορο απορουσ= απορων= απορεσ= πτωχ φτην φτωχεια ακριβει αναδουλει δωρεαν κουπον επιταγ δεη= ρουχ παπουτσ γαλα φτωχ εισοδημ επιδομ λογαριασμ πειν τροφιμ συσσιτ παντοπωλ δανει οικονομικ ακριβ κοστ " +
    "πληρων ενδει ανεχ φαγητ ευρω κεα= ελαχιστ αποταμιευ τιμολογ ενοικιο χρεη= χρεοσ= χρεων= χρεωσ",
  pension: "συνταξ",
  work:
    "υπαλληλ προσωπικ επιδοτ αδηλωτ μαυρη= αγροτ χωραφ τουρισμ ξενοδοχει μαθητει δουλει δουλευ εργασ εργαζ εργατ προσληψ απασχολ επαγγελ μισθ μεροκαματ ενσημ συμβασ αφεντικ " +
    "εργοδοτ επιχειρ βιογραφικ θεσεισ εποχικ απολυ ωραρι",
  unemployment: "ανεργ οαεδ δυπα",
  insurance: "ασφαλισ ασφαλιστ εφκα ικα= αμκα",
  school:
    "βιβλι ενισχυτικ τηλεκπαιδ ταμπλετ λαπτοπ ψηφιακ σπουδ πανελλαδικ ιεκ= επαλ= γλωσσ γραμματ σχολει σχολ μαθημ μαθητ μαθαιν εκπαιδ καταρτισ σεμιναρ δασκαλ καθηγητ φροντιστηρ πανεπιστ " +
    "φοιτητ νηπιαγωγ βρεφονηπ αναλφαβητ διδασκ δεξιοτητ πιστοποιη πτυχι ταξη= ταξεισ= εκμαθησ " +
    "υπολογιστ κδαπ",
  health:
    "αλτσχαιμερ ανοια κατακοιτ ογκολογ μαστογραφ προληπτικ γυναικολογ μαιευτ εοπυυ= κεπα= αιμοκαθαρσ τηλειατρ πυρετ υγει γιατρ νοσοκομ φαρμακ θεραπ ασθεν αρρωστ νοσηλ περιθαλψ εμβολ εκαβ ασθενοφορ οδοντιατρ " +
    "παιδιατρ ιατρ κλινικ ραντεβου φυσικοθεραπ αποκαταστασ πονο= πονα= χειρουργ διαγνωσ εξετασ " +
    "καρκιν διαβητ",
  care: "ημερασ= ανοιασ= φροντιδ φροντιζ φροντιστρι φροντιστεσ= κατ= οικον= βοηθεια= σπιτι= κεφι= συνοδ",
  transport:
    "ποδηλατ διαβασ σηματοδοτ παρκαρ λεωφορ συγκοινων κτελ δρομ πεζοδρομ μεταφορ μετακιν ταξι= αυτοκινητ οδηγ γεφυρ σταση σιδηροδρ " +
    "τρεν δρομολογ",
  access: "ραμπ προσβασ προσβασιμ ανελκυστηρ ασανσερ σκαλ",
  place:
    "ορεινα= νησ αγροτικ εγκαταλελειμμ ερημ χωρι= χωριο= χωρια= χωριου= χωριων= ορειν απομακρυσμ απομονωμ οικισμ γειτονι πλατει παρκ παιδικεσ= χαρα= χαρεσ= συνοικι",
  infrastructure:
    "κινητο= σημα= ιντερνετ κεραια αδεσποτ σκυλ φωτα= δεντρ πρασιν θορυβ ρυπαν καπν μολυνσ κατολισθ φωτισμ λακκουβ αποχετευσ υδρευσ νερο= νερα= δικτυ σκουπιδ καθαριοτ περιβαλλ κτιρι",
  safety: "ασφαλεια= ασφαλειασ= ασφαλεσ επικινδυν κλοπ κλεφτ ληστει αστυνομ φυλαξ",
  family:
    "γεννησ εγκυμοσ νταντ παιδικοσ= παιδικουσ= σταθμο= σταθμοι= σταθμουσ= παιδ οικογεν μητερ μανα μαμα πατερ μπαμπα γονι γονε γονεισ μωρ βρεφ εφηβ ανηλικ μονογονε " +
    "πολυτεκν τριτεκν κορη= κορεσ= γιοσ= γιο= γιου= αγορι κοριτσ εγκυ τοκετ",
  disability:
    "κεπα= εγκεφαλικ σκληρυνσ ακρωτηριασ μαθησιακ δυσλεξ δεπυ= παραλληλη= ειδικο= ειδικη= αναπηρ αμεα τυφλ κωφ αμαξιδι αυτισ νοητικ κινητικ παραπληγ τετραπληγ down= αναπηρικ " +
    "ειδικεσ= αγωγ νοηματικ",
  elderly:
    "χηρ ανοια γεροι= ηλικιωμεν γιαγι παππου συνταξιουχ ηλικι γηροκομ καπη= γεροντ ηλικιωμενοι μοναχικ",
  roma: "ρομ= ρομα= τσιγγ καταυλισμ γυφτ",
  drugs:
    "πρεζ χαπι συριγγ μεθαδον ναλοξον πινει= πινουν= μεθαει ναρκωτ ουσιεσ= ουσιων= εξαρτ απεξαρτ ηρωιν κοκαιν χασισ αλκοολ μεθυ υποκατασταστ οκανα κεθεα " +
    "υπερβολικη= δοση= τζογ",
  mental: "αυτοτραυματ αυπνι ψυχ καταθλιψ αγχ αυτοκτον πανικ σχιζοφρ διπολικ μοναξι ψυχοθεραπ ψυχιατρ",
  violence:
    "γυναικοκτον κακομεταχειρ παιδοφιλ σωματεμπορ εκμεταλλευσ βριζει= βριζουν= βρισιεσ= σπρωχν μελαν κακοποι βια= βιασ βιαι ξυλο χτυπ παρενοχλ εκφοβ μπουλινγκ ενδοοικογεν απειλ φοβ καταφυγι " +
    "συντροφ σεξουαλ",
  migration:
    "χαρτια= μεταφρασ ασυνοδευτ μκο= υπηκοοτ ιθαγεν απελασ προσφυγ μεταναστ ασυλ φιλοξεν αλλοδαπ διερμην αφγαν πακισταν συρια= συριασ= συριοσ= συριοι= συριων= συριουσ= ιρακ σουδαν μπαγκλαντ " +
    "αλβαν ελληνικα= ελληνικων= αδεια= διαμονησ= δομη= δομεσ=",
  now: "δευτερα= τριτη= τεταρτη= πεμπτη= παρασκευη= σαββατο= κυριακη= τωρα= αμεσ επειγ αποψε= σημερα= αυριο= χθεσ= προχθεσ= βραδυ= νυχτα= μερεσ= εβδομαδ",
  disaster: "φωτια= φωτιεσ= φωτιασ= πυρκαγ καμεν πλημμυρ σεισμ κακοκαιρ νεροποντ χιον καταστροφ εκκενωσ",
  cold: "παγετ παγωνι κρυο= κρυωνουμε κρυωνουν θερμανσ σομπ ρευμα= ρευματοσ= διακοπη πετρελαι καυσοξυλ",
  danger: "κινδυν λιποθυμ αιματα= αιμα= πεθαν σωστε= βοηθεια= βοηθηστε απειλ χτυπ τραυματ",
  eviction: "εξωσ πεταξ πετανε πετουν κλειδ πλειστηριασμ",
  selling:
    "κρυπτ βιτκοιν επενδυσ κερδ προιοντ καταστημ εστιατορ πιτσ παραδοσ ενοικιαζεται= τηλ= ζητειται= ζητουνται= πατηστε μετρητ αγοραζ ενοικιαζονται= πουλ πωλειται= πωλουνται= πωληση= πωλησεισ= αγορασ τιμη= τιμεσ= προσφορ εκπτωσ κλικ κερδισ καζινο στοιχημ καλεστε " +
    "παραγγελ διαφημ επισκεφθειτε αποστολ δωρο",
  insult: "αισχ προδοτ κλεφτεσ λαμογ ψευτ ντροπ απατεων γελοι αχρηστ",
  website: "σελιδ ιστοτοπ φορμ αγγλικ σφαλμ λογιν ιστοσελιδ σελιδα= κωδικ κουμπι πλατφορμ συνδεσ εγγραφ",
  propose:
    "γινει= γινουν= δοθει δοθουν υπαρξει= ιδρυθ φτιαχτ αυξηθ καθιερωθ προβλεφθ ηθελα= ζητω= εισηγ συστην προτειν προταση προτασ προτεινουμε ζητουμε ζηταμε πρεπει= δημιουργ ιδρυ επεκτα οργανωθ " +
    "θεσπιστ εξασφαλισ χρηματοδοτ ενισχυ στηριξ λειτουργ",
  lack: "υπαρχει= κανεισ= καμια= περιμεν χρειαζ λειπ ελλειψ αναγκ δυσκολ προβλημ καθυστερ αναμον αδυνατ",
  opine:
    "αντιθετ σωστ διαβουλευσ πιστευ θεωρ νομιζ αποψη αποψεισ διαφων συμφων λαθοσ αδικ απαραδεκτ στρατηγικ πολιτικ κυβερν κρατοσ " +
    "μετρα= σχεδι",
  politics: "ψηφ εκλογ κομμα βουλ βουλευτ υπουργ δημαρχ περιφερειαρχ",
};

const ENGLISH: Record<string, string> = {
  housing: "hous home rent apartment flat evict tent accommod landlord mould damp roof",
  homeless: "homeless sleep shelter street",
  money: "cloth free poor povert income allowanc benefit bill food debt afford money cost expens euro hunger",
  pension: "pension",
  work: "job work employ hire wage salary career contract boss business",
  unemployment: "unemploy jobless",
  insurance: "insur",
  school:
    "book language school teach educat train course class learn student universit literac lesson skill kindergarten",
  health:
    "fever dementia health doctor hospital medic clinic nurse therap treatment ill= sick diseas ambulanc dentist",
  care: "care= carer caring",
  transport: "bus transport road drive car= cars= taxi bridge train",
  access: "ramp access lift elevator stair",
  place: "villag remot isolat mountain neighbourhood neighborhood square park playground",
  infrastructure: "light water sewer rubbish garbage wast clean environment",
  safety: "safe danger police theft",
  family: "child kid famil mother father parent baby teen son= sons= daughter boy girl pregnan",
  disability: "disab wheelchair blind deaf autis impair",
  elderly: "elder old= older= grandm grandf grandpar pensioner aged senior",
  roma: "roma gyps",
  drugs: "drug addict substanc heroin cocain alcohol rehab overdos",
  mental: "mental psych depress anxiet suicid panic schizo loneli",
  violence: "abus violen beat assault harass bully rape threat",
  migration: "refuge migrant immigr asylum interpret afghan syria pakistan sudan bangladesh",
  now: "now= urgent emergenc immediat tonight today tomorrow yesterday night",
  disaster: "fire= fires= wildfire flood earthquak storm evacuat",
  cold: "cold freez heating electric power",
  danger: "help danger die dying blood injur",
  eviction: "evict thrown kick",
  selling:
    "crypto bitcoin invest profit product shop restaurant sale sell buy price offer discount click win= casino loan call= order deliver",
  insult: "traitor thieve liar shame corrupt",
  website: "websit site= page= button password login app= platform",
  propose: "recommend introduc provid ensur propos suggest should request fund establish creat support",
  lack: "nobody without need lack missing problem wait difficult",
  opine: "think believ opinion agre disagre wrong unfair polic government strateg",
  politics: "vote election parliament minister mayor politician",
};

interface Lexicon {
  prefixes: Map<string, string[]>;
  exact: Map<string, string[]>;
}

function build(source: Record<string, string>, key: (w: string) => string): Lexicon {
  const prefixes = new Map<string, string[]>();
  const exact = new Map<string, string[]>();
  for (const [group, words] of Object.entries(source)) {
    for (const entry of words.split(/\s+/).filter(Boolean)) {
      const whole = entry.endsWith("=");
      const k = key(whole ? entry.slice(0, -1) : entry);
      const map = whole ? exact : prefixes;
      const list = map.get(k) ?? [];
      if (!list.includes(group)) list.push(group);
      map.set(k, list);
    }
  }
  return { prefixes, exact };
}

const greekLexicon = build(GREEK, phoneticKey);
const greekSpelledLexicon = build(GREEK, (w) => w);
const englishLexicon = build(ENGLISH, (w) => w);
const MIN_PREFIX = 2;
const MAX_PREFIX = 14;

function lookup(lexicon: Lexicon, word: string): string[] {
  const out: string[] = [];
  const add = (groups: string[] | undefined) => {
    if (groups) for (const g of groups) if (!out.includes(g)) out.push(g);
  };
  add(lexicon.exact.get(word));
  for (let n = MIN_PREFIX; n <= Math.min(MAX_PREFIX, word.length); n++)
    add(lexicon.prefixes.get(word.slice(0, n)));
  return out;
}

/** Lexicon groups of a Greek word given as its phonetic key (phoneticKey of the normalised word). */
export function greekGroups(wordKey: string): string[] {
  return lookup(greekLexicon, wordKey);
}

/** Lexicon groups of a Greek-script word, normalised (normalizeGreek), matched by its spelling. */
export function greekSpelledGroups(word: string): string[] {
  return lookup(greekSpelledLexicon, word);
}

/** Lexicon groups of a lower-case English word. */
export function englishGroups(word: string): string[] {
  return lookup(englishLexicon, word);
}
