/**
 * Greek text helpers shared by search (app/domain/search) and, later, the categoriser: normalisation,
 * tokenisation, a stop-word list, Greeklish → Greek transliteration and a phonetic key that lets Greek and
 * Greeklish spellings of one word meet. Every function here is pure (no I/O, no state) and works on any
 * string, so it is safe on the server and in the browser.
 *
 * Vocabulary used in the comments: "normalised" text is lower-case, without accents or diaeresis, with
 * final sigma written σ (normalizeGreek). "Greeklish" is Greek written in Latin letters (and a few digits
 * that look like Greek letters: 8 = θ, 3 = ξ).
 */

// ───────────────────────────── Normalisation and tokens ─────────────────────────────

/**
 * Lower-case, strip every accent and diaeresis (tonos, dialytika; also Latin accents: é → e), final sigma
 * → σ. "ΣΤΈΓΑΣΗ", "στέγαση" and "Στεγαση" all become "στεγαση"; "Προϋπολογισμός" → "προυπολογισμοσ".
 * Other characters (digits, punctuation, spaces) are kept as they are.
 *
 * It agrees with the database's synochi_search_text() (unaccent + lower + ς → σ) on Greek and Latin
 * letters, so a word normalised here matches the same word normalised in SQL.
 */
export function normalizeGreek(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ς/g, "σ")
    .normalize("NFC");
}

/** Words of a text, normalised: maximal runs of letters and digits ("Η στέγαση, 2024!" → ["η", "στεγαση", "2024"]). */
export function tokenize(text: string): string[] {
  return normalizeGreek(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** True when the text has at least one Latin letter (after accents are stripped: "café" counts). */
export function hasLatin(text: string): boolean {
  return /[a-z]/i.test(text.normalize("NFD"));
}

/** True when the text has at least one Greek letter. */
export function hasGreek(text: string): boolean {
  return /[\u0370-\u03ff\u1f00-\u1fff]/.test(text);
}

/** Final sigma where a Greek word ends ("στεγασησ στιχοσ" → "στεγασης στιχος"), for showing normalised text. */
export function withFinalSigma(text: string): string {
  return text.replace(/σ(?![\p{L}\p{M}])/gu, "ς");
}

// ───────────────────────────── Stop words ─────────────────────────────

/**
 * Frequent Greek function words (articles, pronouns, prepositions, conjunctions, particles, auxiliaries),
 * normalised. PostgreSQL's `greek` configuration has no stop-word list, so search drops these from a query
 * that has other words (otherwise "στέγαση και θέρμανση" would also require "και"), and the categoriser can
 * skip them as features.
 */
export const GREEK_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "ο η το οι τα του τησ των τον την τη τισ τουσ ενα εναν ενασ μια μιασ ενοσ μιαν " +
    "και κι να θα δεν δε μη μην οτι που πωσ σε στο στη στην στον στα στισ στουσ στου στησ στων " +
    "με για απο προσ κατα μετα χωρισ παρα ωσ εωσ μεχρι αλλα ομωσ ειτε ουτε ουδε αν εαν οταν " +
    "επειδη ενω αφου γιατι οπωσ ετσι αυτο αυτη αυτοσ αυτα αυτοι αυτεσ αυτου αυτησ αυτων αυτον " +
    "αυτην αυτουσ αυτεσ εγω εσυ εμεισ εσεισ μου σου μασ σασ τουσ τισ τι ποιοσ ποια ποιο πολυ " +
    "πιο ολα ολοι ολεσ ολο καθε ακομα ακομη επισησ εδω εκει μονο ηδη ισωσ πια ειναι ειμαι ειμαστε " +
    "εχει εχουν εχω εχουμε ηταν ηταν θα ενω οποιοσ οποια οποιο οποιοι οποιεσ οποιων οποιου οποιασ " +
    "τοσο οσο οσα οσοι κατι τιποτα καποιοσ καποια καποιο"
  ).split(/\s+/),
);

/** True for a normalised Greek stop word, or a Greeklish one ("kai", "stin", "gia"). */
export function isStopword(token: string): boolean {
  const word = normalizeGreek(token);
  if (GREEK_STOPWORDS.has(word)) return true;
  if (!hasLatin(word)) return false;
  return GREEK_STOPWORD_KEYS.has(phoneticKey(greeklishToGreek(word)));
}

// ───────────────────────────── Greeklish → Greek ─────────────────────────────

/**
 * One position of a Greeklish word: the Greek spellings it may stand for, most likely first, each with a
 * rough likelihood relative to the first (1). Only used to order the variants.
 */
type Segment = { options: readonly string[]; weights: readonly number[] };

const one = (greek: string): Segment => ({ options: [greek], weights: [1] });
const alt = (...pairs: [string, number][]): Segment => ({
  options: pairs.map(([g]) => g),
  weights: pairs.map(([, w]) => w),
});

/** Multi-letter spellings, tried before single letters (longest first). */
const DIGRAPHS: Record<string, Segment> = {
  th: one("θ"),
  ch: one("χ"),
  kh: one("χ"),
  ph: one("φ"),
  ps: one("ψ"),
  ks: one("ξ"),
  ou: one("ου"),
  mp: one("μπ"),
  ts: one("τσ"),
  tz: one("τζ"),
  // Vowel pairs read as one unit, so that their "e"/"o" get no variants of their own (ei is ει, not αιι).
  ei: one("ει"),
  oi: alt(["οι", 1], ["οη", 0.3]), // boithia = βοήθεια
  ai: one("αι"),
};

const VOWELS = new Set(["a", "e", "i", "o", "u", "y", "w"]);

/**
 * Whole words whose letter-by-letter reading is wrong or ambiguous but that are written one way in
 * practice (mostly function words: "stin" is στην, not στιν; "exei" is έχει, not έξει).
 */
const WORDS: Record<string, string> = {
  i: "η",
  oi: "οι",
  ti: "τι",
  tin: "την",
  tis: "τις",
  ton: "τον",
  tous: "τους",
  stin: "στην",
  sti: "στη",
  stis: "στις",
  ine: "ειναι",
  einai: "ειναι",
  exei: "εχει",
  exoun: "εχουν",
  exo: "εχω",
  exw: "εχω",
  ex: "εχ",
  kathe: "καθε",
  mia: "μια",
  enas: "ενας",
  ena: "ενα",
};

/** The segments of one lower-case Greeklish word (letters a–z and digits). */
function segmentsOf(word: string): Segment[] {
  // Own keys only: "constructor" (and other Object.prototype names) must read as letters, not crash.
  const whole = Object.hasOwn(WORDS, word) ? WORDS[word] : undefined;
  if (whole) return [one(whole)];
  const segments: Segment[] = [];
  let i = 0;
  while (i < word.length) {
    const pair = word.slice(i, i + 2);
    // "ng" inside a word is γγ (aggelos/angelos → αγγελος); at the start it is two letters.
    if (pair === "ng" && i > 0 && i + 2 < word.length) {
      segments.push(one("γγ"));
      i += 2;
      continue;
    }
    const digraph = DIGRAPHS[pair];
    if (pair.length === 2 && digraph) {
      segments.push(digraph);
      i += 2;
      continue;
    }
    const c = word[i];
    const prev = i > 0 ? word[i - 1] : "";
    const next = word[i + 1] ?? "";
    const last = i === word.length - 1;
    segments.push(letter(c, prev, next, last));
    i += 1;
  }
  return segments;
}

function letter(c: string, prev: string, next: string, last: boolean): Segment {
  switch (c) {
    case "a":
      return one("α");
    case "b":
      // Visually β; also μπ (bainw = μπαίνω).
      return alt(["β", 1], ["μπ", 0.5]);
    case "c":
      return one("κ");
    case "d":
      return one("δ");
    case "e":
      return alt(["ε", 1], ["αι", 0.2]);
    case "f":
      return one("φ");
    case "g":
      return one("γ");
    case "h":
      // Before a vowel usually χ (hara = χαρά), otherwise the look-alike η (kalh = καλή).
      return VOWELS.has(next) ? alt(["χ", 1], ["η", 0.4]) : alt(["η", 1], ["χ", 0.3]);
    case "i":
      // After a vowel it completes a digraph (ει, οι, αι, υι).
      if (VOWELS.has(prev)) return one("ι");
      // A final -i after a consonant is mostly the feminine -η of nouns (stegasi = στέγαση, anagki = ανάγκη).
      if (last && prev) return alt(["η", 1], ["ι", 0.6], ["ει", 0.3]);
      return alt(["ι", 1], ["η", 0.4], ["υ", 0.3], ["ει", 0.2], ["οι", 0.15]);
    case "j":
      return one("τζ");
    case "k":
      return one("κ");
    case "l":
      return one("λ");
    case "m":
      return one("μ");
    case "n":
      return one("ν");
    case "o":
      return alt(["ο", 1], ["ω", 0.4]);
    case "p":
      return one("π");
    case "q":
      return one("κ");
    case "r":
      return one("ρ");
    case "s":
      return one("σ");
    case "t":
      return one("τ");
    case "u":
      // αυ, ευ (and ου, caught as a digraph); alone it is mostly ου.
      return prev === "a" || prev === "e" ? one("υ") : alt(["ου", 1], ["υ", 0.4]);
    case "v":
      return one("β");
    case "w":
      return one("ω");
    case "x":
      // Before a consonant only χ is Greek (xronia = χρόνια); before a vowel both are common: ξ (taxi)
      // and the look-alike χ (xara = χαρά).
      return next && !VOWELS.has(next) ? alt(["χ", 1], ["ξ", 0.1]) : alt(["ξ", 1], ["χ", 0.9]);
    case "y":
      return alt(["υ", 1], ["ι", 0.3]);
    case "z":
      return one("ζ");
    case "8":
      return one("θ");
    case "3":
      return one("ξ");
    default:
      return one(c);
  }
}

/** A Latin-letter word (possibly with the digits 8 and 3 standing for θ and ξ) that can be read as Greeklish. */
function isGreeklishWord(word: string): boolean {
  return /[a-z]/.test(word) && /^[a-z0-9]+$/.test(word);
}

/**
 * The most likely Greek spelling of a Greeklish text, word by word, normalised (no accents) but with final
 * ς where a word ends: "stegasi stin patra" → "στεγαση στην πατρα", "8alassa" → "θαλασσα",
 * "psychologos" → "ψυχολογος". Words that are already Greek, numbers and punctuation are kept; the input
 * is normalised first (normalizeGreek), so the output is lower-case.
 *
 * Greeklish is ambiguous (i may be ι, η, υ; o may be ο or ω; x may be ξ or χ; b may be β or μπ; h may be
 * η or χ): this picks one reading. Use greeklishVariants for the others, or compare phoneticKey()s.
 */
export function greeklishToGreek(text: string): string {
  const normalised = normalizeGreek(text);
  const converted = normalised.replace(/[\p{L}\p{N}]+/gu, (word) =>
    isGreeklishWord(word)
      ? segmentsOf(word)
          .map((s) => s.options[0])
          .join("")
      : word,
  );
  return withFinalSigma(converted);
}

/**
 * Up to `limit` Greek readings of one Greeklish word, normalised (σ, no accents), most likely first; the
 * first is greeklishToGreek's. Readings differ in at most two ambiguous letters: "stegasi" →
 * ["στεγαση", "στεγασι", "στεγασει", …]. A word that is not Greeklish gives [normalised word].
 */
export function greeklishVariants(word: string, limit = 4): string[] {
  const normalised = normalizeGreek(word);
  if (!isGreeklishWord(normalised)) return [normalised];
  const segments = segmentsOf(normalised);
  const primary = segments.map((s) => s.options[0]);
  type Choice = { score: number; picks: [number, number][] };
  const choices: Choice[] = [{ score: 1, picks: [] }];
  const singles: [number, number, number][] = [];
  segments.forEach((s, at) => {
    for (let o = 1; o < s.options.length; o++) singles.push([at, o, s.weights[o]]);
  });
  for (const [at, o, w] of singles) choices.push({ score: w, picks: [[at, o]] });
  for (let a = 0; a < singles.length; a++) {
    for (let b = a + 1; b < singles.length; b++) {
      if (singles[a][0] === singles[b][0]) continue;
      choices.push({
        score: singles[a][2] * singles[b][2],
        picks: [
          [singles[a][0], singles[a][1]],
          [singles[b][0], singles[b][1]],
        ],
      });
    }
  }
  // Stable sort: equal scores keep the order of the letters in the word.
  choices.sort((x, y) => y.score - x.score);
  const out: string[] = [];
  for (const choice of choices) {
    const letters = [...primary];
    for (const [at, o] of choice.picks) letters[at] = segments[at].options[o];
    const reading = letters.join("");
    if (!out.includes(reading)) out.push(reading);
    if (out.length >= limit) break;
  }
  return out;
}

// ───────────────────────────── Phonetic key ─────────────────────────────

/**
 * A key under which spellings that sound alike collide, so that a Greeklish reading and the real Greek
 * word meet even when transliteration guessed wrong: normalises, then writes every /i/ (ι, η, υ, ει, οι,
 * υι) as ι, ω as ο, αι as ε, αυ/ευ as αβ/εβ, μπ as β, ντ as δ, γκ as γ, χ as ξ (Greeklish x), and single
 * letters for doubled ones. "στην" and Greeklish "stin" (→ "στιν") both give "στιν"; "φτώχεια" and
 * "ftwxeia" (→ "φτωξεια") both give "φτοξια". For matching only: the key is not a word.
 */
export function phoneticKey(text: string): string {
  return normalizeGreek(text)
    .replace(/ει|οι|υι/g, "ι")
    .replace(/η|(?<![αεο])υ/g, "ι")
    .replace(/αυ/g, "αβ")
    .replace(/ευ/g, "εβ")
    .replace(/αι/g, "ε")
    .replace(/ω/g, "ο")
    .replace(/μπ/g, "β")
    .replace(/ντ/g, "δ")
    .replace(/γκ/g, "γ")
    .replace(/χ/g, "ξ")
    .replace(/(\p{L})\1+/gu, "$1");
}

const GREEK_STOPWORD_KEYS: ReadonlySet<string> = new Set([...GREEK_STOPWORDS].map(phoneticKey));
