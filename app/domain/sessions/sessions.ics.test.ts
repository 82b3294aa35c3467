import { describe, expect, it } from "vitest";
import { escapeIcsText, foldIcsLine, icsUtc, sessionIcs } from "./sessions.ics.ts";

const octets = (s: string) => new TextEncoder().encode(s).length;

/** Undoes RFC 5545 folding: CRLF followed by one space or tab joins the lines. */
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, "");

describe("sessionIcs", () => {
  const session = {
    id: "0b6c1f0e-1111-4222-8333-444455556666",
    title: "Συνεδρίαση Περιφερειακής Επιτροπής Διαβούλευσης; θέμα: στέγαση, σίτιση\\παιδεία",
    description: "Πρώτη γραμμή\nΔεύτερη γραμμή με πολύ μεγάλο κείμενο ".repeat(4),
    startsAt: new Date("2026-12-03T16:30:00+02:00"),
    endsAt: new Date("2026-12-03T18:00:00+02:00"),
    place: "Αίθουσα Περιφερειακού Συμβουλίου, Πάτρα",
    onlineUrl: "https://meet.example.org/room?id=1,2;3",
    committeeName: "Περιφερειακή Επιτροπή Διαβούλευσης Δυτικής Ελλάδας",
  };
  const ics = sessionIcs(session, {
    uidDomain: "synochi.example.gr",
    pageUrl: "https://synochi.example.gr/sessions/0b6c1f0e",
    now: new Date("2026-11-23T10:00:00.123Z"),
  });

  it("uses CRLF line endings only and ends with one", () => {
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("folds every line at 75 octets, continuation lines starting with a space, characters kept whole", () => {
    const lines = ics.split("\r\n").slice(0, -1);
    for (const line of lines) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(lines.some((l) => l.startsWith(" "))).toBe(true);
    // Greek letters are two octets: a fold inside one would leave a replacement character.
    expect(unfold(ics)).not.toContain("\uFFFD");
    expect(unfold(ics)).toContain("Περιφερειακή Επιτροπή Διαβούλευσης Δυτικής Ελλάδας");
  });

  it("has the calendar and event properties with UTC times", () => {
    const lines = unfold(ics).split("\r\n");
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines.find((l) => l.startsWith("PRODID:"))).toBeTruthy();
    expect(lines).toContain("UID:session-0b6c1f0e-1111-4222-8333-444455556666@synochi.example.gr");
    expect(lines).toContain("DTSTAMP:20261123T100000Z");
    expect(lines).toContain("DTSTART:20261203T143000Z");
    expect(lines).toContain("DTEND:20261203T160000Z");
    expect(lines).toContain("URL:https://synochi.example.gr/sessions/0b6c1f0e");
    expect(lines).toContain("STATUS:CONFIRMED");
    expect(lines.at(-2)).toBe("END:VCALENDAR");
  });

  it("escapes TEXT values", () => {
    const lines = unfold(ics).split("\r\n");
    expect(lines).toContain(
      "SUMMARY:Συνεδρίαση Περιφερειακής Επιτροπής Διαβούλευσης\\; θέμα: στέγαση\\, σίτιση\\\\παιδεία",
    );
    expect(lines).toContain("LOCATION:Αίθουσα Περιφερειακού Συμβουλίου\\, Πάτρα");
    const description = lines.find((l) => l.startsWith("DESCRIPTION:"))!;
    expect(description).toContain("Πρώτη γραμμή\\nΔεύτερη γραμμή");
    expect(description).toContain("https://meet.example.org/room?id=1\\,2\\;3");
    expect(description).not.toMatch(/[^\\][;,]/);
  });

  it("assumes two hours without an end, uses the link as location online and marks cancellations", () => {
    const online = unfold(
      sessionIcs(
        {
          id: "s1",
          title: "Online",
          startsAt: new Date("2026-01-01T09:00:00Z"),
          onlineUrl: "https://meet.example.org/x",
          status: "cancelled",
        },
        { now: new Date("2026-01-01T00:00:00Z") },
      ),
    ).split("\r\n");
    expect(online).toContain("DTEND:20260101T110000Z");
    expect(online).toContain("LOCATION:https://meet.example.org/x");
    expect(online).toContain("STATUS:CANCELLED");
    expect(online).toContain("UID:session-s1@synochi");
  });
});

describe("ics helpers", () => {
  it("escapes backslash first, then ; , and newlines", () => {
    expect(escapeIcsText("a\\b;c,d\r\ne\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("formats UTC without separators or milliseconds", () => {
    expect(icsUtc(new Date("2026-03-05T07:08:09.999Z"))).toBe("20260305T070809Z");
  });

  it("leaves short lines alone and folds long ASCII lines at exactly 75 octets", () => {
    expect(foldIcsLine("SUMMARY:short")).toBe("SUMMARY:short");
    const folded = foldIcsLine("X".repeat(200)).split("\r\n");
    expect(folded.map(octets)).toEqual([75, 75, 52]);
    expect(folded.slice(1).every((l) => l.startsWith(" "))).toBe(true);
  });
});
