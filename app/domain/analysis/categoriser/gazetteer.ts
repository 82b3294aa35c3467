/**
 * Municipality detection by gazetteer: the Kallikratis municipalities of the region (from
 * prisma/data/western-greece.json: official genitive name, seat, aliases, English name) plus a few
 * well-known localities of each, matched in any grammatical case, with or without accents, in Greek,
 * Greeklish or English. Not learned: geography is data, and a place name is either there or not.
 */
import fs from "node:fs";
import { greeklishToGreek, hasLatin, normalizeGreek, phoneticKey } from "~/domain/text/greek.ts";
import { findDataFile } from "./paths.ts";

interface GeoMunicipality {
  name_el: string;
  name_en: string;
  seat_el: string;
  aliases_el: string[];
}
interface GeoFile {
  regional_units: { municipalities: GeoMunicipality[] }[];
}

/**
 * Well-known localities (towns, villages, districts, beaches) of each municipality, beyond the seat and
 * the aliases of western-greece.json. A trailing "*" marks a name that is also a common word (tower,
 * warm, lobster, new…): it counts only when written with a capital letter. ":pl" marks a neuter plural
 * (Καλάβρυτα → Καλαβρύτων).
 */
const EXTRA_PLACES: Record<string, string[]> = {
  Πατρέων: [
    "Ρίο*",
    "Οβρυά",
    "Σαραβάλι",
    "Βραχνέικα:pl",
    "Μεσσάτιδα",
    "Ζαρουχλέικα:pl",
    "Κουκούλι*",
    "Αγυιά",
    "Ψαροφάι",
    "Patras",
    "Patra",
  ],
  Αιγιαλείας: ["Διακοπτό", "Ακράτα", "Ελίκη*", "Ροδοδάφνη", "Aigio", "Aegio", "Aigion"],
  "Δυτικής Αχαΐας": ["Άραξος", "Λακκόπετρα", "Σαγέικα:pl", "Λουσικά:pl", "Kato Achaia", "Kato Achaea"],
  Ερυμάνθου: ["Κάλανος", "Σανταμέρι", "Chalandritsa", "Erymanthos"],
  Καλαβρύτων: ["Κλειτορία", "Ζαχλωρού", "Κερπινή", "Λουσοί:plm", "Πλανητέρο", "Kalavryta", "Kalavrita"],
  Αγρινίου: ["Αγγελόκαστρο", "Παναιτώλιο", "Παραβόλα", "Στράτος*", "Agrinio", "Agrinion"],
  "Ακτίου-Βόνιτσας": ["Πάλαιρος", "Κατούνα", "Vonitsa", "Aktio"],
  Αμφιλοχίας: ["Amfilochia", "Amphilochia"],
  Θέρμου: ["Thermo", "Thermon"],
  "Ιεράς Πόλης Μεσολογγίου": [
    "Ευηνοχώρι",
    "Missolonghi",
    "Messolonghi",
    "Mesolongi",
    "Missolongi",
    "Aitoliko",
  ],
  Ναυπακτίας: ["Αντίρριο", "Nafpaktos", "Nafpakto", "Naupaktos", "Nafpaktia", "Antirrio"],
  Ξηρομέρου: ["Μύτικας*", "Astakos", "Xiromero"],
  "Ανδραβίδας-Κυλλήνης": ["Αρκούδι*", "Λουτρά Κυλλήνης", "Lechaina", "Kyllini", "Kyllene", "Andravida"],
  "Ανδρίτσαινας-Κρεστένων": ["Krestena", "Andritsaina"],
  "Αρχαίας Ολυμπίας": ["Ολυμπία*", "Φολόη", "Ancient Olympia", "Olympia*"],
  Ζαχάρως: ["Καϊάφας", "Zacharo", "Zaharo"],
  Ήλιδας: ["Κουρούτα", "Amaliada", "Ilida"],
  Πηνειού: ["Βαρθολομιό", "Τραγανό", "Gastouni", "Pineios"],
  Πύργου: ["Κατάκολο", "Pyrgos", "Pirgos"],
};

/** Names that are also common words when written in lower case (tower, warm, lobster). */
const NEEDS_CAPITAL = new Set(["Πύργος", "Θέρμο", "Αστακός"]);

const keyCache = new Map<string, string>();

/** Matching key of one word: normalised, Greeklish read as Greek, then spelled phonetically. */
export function placeKey(word: string): string {
  let key = keyCache.get(word);
  if (key === undefined) {
    key = computePlaceKey(word);
    if (keyCache.size >= 100_000) keyCache.clear();
    keyCache.set(word, key);
  }
  return key;
}

function computePlaceKey(word: string): string {
  const greek = hasLatin(word) ? normalizeGreek(greeklishToGreek(word)) : normalizeGreek(word);
  // Greeklish writes αυ/ευ as af/av/ef/ev: the phonetic key has αβ/εβ; fold φ into β after α/ε.
  return phoneticKey(greek).replace(/([αε])φ/g, "$1β");
}

/** The inflected forms (normalised, accents stripped) of one single-word Greek place name. */
function inflections(word: string, declension: string): string[] {
  const w = normalizeGreek(word);
  if (hasLatin(w)) return [w];
  const stem = (n: number) => w.slice(0, w.length - n);
  if (declension === "pl") return [w, stem(1) + "ων"]; // Καλάβρυτα, Καλαβρύτων
  if (declension === "plm") return [w, stem(2) + "ων", stem(2) + "ουσ"]; // Λουσοί, Λουσών
  if (w.endsWith("εων")) return [w]; // Πατρέων: the municipality's name only
  if (w.endsWith("ιου") || w.endsWith("ου")) return [w, stem(2) + "οσ", stem(2) + "ο", stem(2) + "ε"];
  if (w.endsWith("οσ")) return [w, stem(2) + "ου", stem(2) + "ο", stem(2) + "ε"];
  if (w.endsWith("ασ")) return [w, stem(1)]; // Μύτικας/Μύτικα, and genitives Ηλιδας → Ηλιδα
  if (w.endsWith("ησ")) return [w, stem(1)];
  if (w.endsWith("ωσ")) return [w, stem(1)]; // Ζαχάρως → Ζαχάρω
  if (w.endsWith("ων")) return [w];
  if (w.endsWith("ο")) return [w, stem(1) + "ου"];
  if (w.endsWith("ι")) return [w, w + "ου"]; // Μεσολόγγι, Μεσολογγίου
  // Feminine Πάτρα/Πάτρας, or a neuter plural (Λεχαινά/Λεχαινών) that the data does not mark.
  if (w.endsWith("α")) return [w, w + "σ", stem(1) + "ων"];
  if (w.endsWith("η")) return [w, w + "σ"];
  if (w.endsWith("ω")) return [w, w + "σ"];
  return [w];
}

interface Pattern {
  /** Accepted keys for each consecutive word. */
  words: Set<string>[];
  municipality: string;
  /** official name or seat (strong) versus a locality or alias (weaker). */
  strength: number;
}

interface Gazetteer {
  /** Patterns indexed by the key of their first word. */
  byFirst: Map<string, Pattern[]>;
  /** Keys of names that are also common words: they count only when capitalised. */
  capitalKeys: Set<string>;
  seatOfRegion: string;
}

function buildPattern(
  name: string,
  municipality: string,
  strength: number,
  capitalKeys: Set<string>,
): Pattern {
  let raw = name;
  let capital = false;
  let declension = "";
  if (raw.endsWith("*")) {
    capital = true;
    raw = raw.slice(0, -1);
  }
  const colon = raw.indexOf(":");
  if (colon > 0) {
    declension = raw.slice(colon + 1);
    raw = raw.slice(0, colon);
  }
  if (NEEDS_CAPITAL.has(raw)) capital = true;
  const parts = raw.match(/[\p{L}\p{N}]+/gu) ?? [];
  const words = parts.map((part) => new Set(inflections(part, declension).map(placeKey)));
  if (capital && words.length === 1) for (const key of words[0]) capitalKeys.add(key);
  return { words, municipality, strength };
}

let cached: Gazetteer | null = null;

function gazetteer(): Gazetteer {
  if (cached) return cached;
  const geo = JSON.parse(fs.readFileSync(findDataFile("western-greece.json"), "utf8")) as GeoFile;
  const patterns: Pattern[] = [];
  const capitalKeys = new Set<string>();
  for (const unit of geo.regional_units) {
    for (const m of unit.municipalities) {
      const official = m.name_el;
      // "Ιεράς Πόλης Μεσολογγίου": its last word is the distinctive one; hyphenated names have two parts.
      const officialParts = official.startsWith("Ιεράς Πόλης ") ? [official.slice(12)] : official.split("-");
      const names = new Set<string>([...officialParts, m.seat_el, ...m.aliases_el, m.name_en]);
      if (officialParts.length > 1) names.add(official);
      for (const name of names) patterns.push(buildPattern(name, official, 2, capitalKeys));
      for (const extra of EXTRA_PLACES[official] ?? [])
        patterns.push(buildPattern(extra, official, 1, capitalKeys));
    }
  }
  const byFirst = new Map<string, Pattern[]>();
  for (const p of patterns) {
    for (const key of p.words[0]) {
      const list = byFirst.get(key) ?? [];
      list.push(p);
      byFirst.set(key, list);
    }
  }
  // Longer patterns first, so "Λουτρά Κυλλήνης" or "Αρχαία Ολυμπία" win over a shorter one.
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  cached = { byFirst, capitalKeys, seatOfRegion: "Πατρέων" };
  return cached;
}

/** Words of the original text with their positions' keys and capitalisation. */
function words(text: string): { key: string; capital: boolean }[] {
  const out: { key: string; capital: boolean }[] = [];
  // Greeklish writers rarely capitalise, and "pyrgos" is not the usual way to write "tower": Latin words
  // count as capitalised.
  for (const match of text.normalize("NFC").matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    const first = word[0];
    out.push({ key: placeKey(word), capital: hasLatin(first) || first !== first.toLowerCase() });
  }
  return out;
}

export interface MunicipalityMatch {
  name: string;
  confidence: number;
}

/**
 * The municipality a text is about, as its official genitive name (Πατρέων, Αγρινίου…), or null when no
 * place of the region is named. When several are named, the most mentioned wins; on a tie, a place other
 * than the regional capital wins (texts often name Patras as where services are, not where they live),
 * then the first mentioned.
 */
export function detectMunicipality(text: string): MunicipalityMatch | null {
  const g = gazetteer();
  const ws = words(text);
  const scores = new Map<string, { score: number; first: number; strength: number }>();
  for (let i = 0; i < ws.length; i++) {
    const candidates = g.byFirst.get(ws[i].key);
    if (!candidates) continue;
    for (const p of candidates) {
      if (i + p.words.length > ws.length) continue;
      let ok = true;
      for (let k = 0; k < p.words.length && ok; k++) ok = p.words[k].has(ws[i + k].key);
      if (!ok || (p.words.length === 1 && !ws[i].capital && g.capitalKeys.has(ws[i].key))) continue;
      const entry = scores.get(p.municipality) ?? { score: 0, first: i, strength: 0 };
      entry.score += 1;
      entry.strength = Math.max(entry.strength, p.strength);
      scores.set(p.municipality, entry);
      i += p.words.length - 1;
      break;
    }
  }
  if (scores.size === 0) return null;
  const ranked = [...scores.entries()].sort(
    ([na, a], [nb, b]) =>
      b.score - a.score || Number(na === g.seatOfRegion) - Number(nb === g.seatOfRegion) || a.first - b.first,
  );
  const [name, best] = ranked[0];
  const total = ranked.reduce((sum, [, s]) => sum + s.score, 0);
  const base = best.strength === 2 ? 0.95 : 0.85;
  return { name, confidence: Math.round(base * (best.score / total) * 1000) / 1000 };
}
