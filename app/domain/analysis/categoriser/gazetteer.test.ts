import { describe, expect, it } from "vitest";
import { detectMunicipality } from "./gazetteer.ts";

const name = (text: string) => detectMunicipality(text)?.name ?? null;

describe("detectMunicipality", () => {
  it("finds seats in every grammatical case", () => {
    expect(name("Ζω στην Πάτρα")).toBe("Πατρέων");
    expect(name("το λιμάνι της Πάτρας")).toBe("Πατρέων");
    expect(name("Το Αγρίνιο χρειάζεται ξενώνα")).toBe("Αγρινίου");
    expect(name("οι δρόμοι του Αγρινίου")).toBe("Αγρινίου");
    expect(name("στο Μεσολόγγι")).toBe("Ιεράς Πόλης Μεσολογγίου");
    expect(name("το νοσοκομείο του Μεσολογγίου")).toBe("Ιεράς Πόλης Μεσολογγίου");
    expect(name("πάμε στη Ναύπακτο")).toBe("Ναυπακτίας");
    expect(name("οι κάτοικοι της Ναυπάκτου")).toBe("Ναυπακτίας");
    expect(name("η Ναύπακτος")).toBe("Ναυπακτίας");
    expect(name("στα Καλάβρυτα")).toBe("Καλαβρύτων");
    expect(name("τα σχολεία των Λεχαινών")).toBe("Ανδραβίδας-Κυλλήνης");
    expect(name("στον Πύργο")).toBe("Πύργου");
  });

  it("ignores case and accents", () => {
    expect(name("ΣΤΗΝ ΠΑΤΡΑ")).toBe("Πατρέων");
    expect(name("στην Αμαλιαδα")).toBe("Ήλιδας");
  });

  it("reads Greeklish and English names", () => {
    expect(name("sto Agrinio den yparxei")).toBe("Αγρινίου");
    expect(name("stin patra")).toBe("Πατρέων");
    expect(name("sto Mesologgi")).toBe("Ιεράς Πόλης Μεσολογγίου");
    expect(name("stin Nafpakto")).toBe("Ναυπακτίας");
    expect(name("ston Pyrgo")).toBe("Πύργου");
    expect(name("We live in Patras")).toBe("Πατρέων");
    expect(name("a day centre in Missolonghi")).toBe("Ιεράς Πόλης Μεσολογγίου");
  });

  it("recognises the municipalities' own names and multi-word names", () => {
    expect(name("Ο Δήμος Πατρέων")).toBe("Πατρέων");
    expect(name("ο Δήμος Ήλιδας")).toBe("Ήλιδας");
    expect(name("στην Κάτω Αχαΐα")).toBe("Δυτικής Αχαΐας");
    expect(name("στην Αρχαία Ολυμπία")).toBe("Αρχαίας Ολυμπίας");
  });

  it("maps well-known localities to their municipality", () => {
    expect(name("στο Ρίο")).toBe("Πατρέων");
    expect(name("στο Διακοπτό")).toBe("Αιγιαλείας");
    expect(name("στο Κατάκολο")).toBe("Πύργου");
  });

  it("returns null when no place of the region is named", () => {
    expect(detectMunicipality("Χρειαζόμαστε περισσότερους παιδιάτρους")).toBeNull();
    expect(detectMunicipality("Η Περιφέρεια Δυτικής Ελλάδας")).toBeNull();
    expect(detectMunicipality("σε όλη την Ηλεία και την Αχαΐα")).toBeNull();
    expect(detectMunicipality("")).toBeNull();
  });

  it("does not take common words for places unless capitalised", () => {
    expect(detectMunicipality("ένας παλιός πύργος")).toBeNull();
    expect(detectMunicipality("ζεστό και θερμό νερό")).toBeNull();
    expect(name("Στο Θέρμο")).toBe("Θέρμου");
  });

  it("prefers the most mentioned place, then one other than the regional capital", () => {
    expect(name("Από τον Πύργο πηγαίνουμε στην Πάτρα για θεραπεία")).toBe("Πύργου");
    expect(name("Στην Πάτρα, στην Πάτρα και στο Αίγιο")).toBe("Πατρέων");
    const both = detectMunicipality("Από τον Πύργο στην Πάτρα");
    expect(both?.confidence).toBeLessThan(0.95);
  });
});
