/** The search box's language and its fuzzy ranking of names. */
import { describe, expect, it } from "vitest";
import { matchScore, parseQuery, rankNames } from "../../../src/app/search/query";

describe("parseQuery", () => {
  it("units", () => {
    for (const q of ["u 12", "u12", "U 12", "unit 12", "unit:12", "#12", "# 12", "  u 12  ", "u #12"]) expect(parseQuery(q)).toEqual({ kind: "unit", index: 12 });
  });
  it("images", () => {
    for (const q of ["i 345", "i345", "I 345", "img 345", "image 345", "image:345"]) expect(parseQuery(q)).toEqual({ kind: "image", index: 345 });
  });
  it("bare numbers, text and nothing", () => {
    expect(parseQuery("7")).toEqual({ kind: "number", index: 7 });
    expect(parseQuery("")).toEqual({ kind: "empty" });
    expect(parseQuery("   ")).toEqual({ kind: "empty" });
    expect(parseQuery("tabby cat")).toEqual({ kind: "text", text: "tabby cat" });
    expect(parseQuery("u -1")).toEqual({ kind: "text", text: "u -1" });
    expect(parseQuery("unicorn")).toEqual({ kind: "text", text: "unicorn" });
    expect(parseQuery("i2c bus")).toEqual({ kind: "text", text: "i2c bus" });
  });
});

describe("fuzzy class names", () => {
  const classes = ["cat", "tabby cat", "Catamaran", "dog", "hot dog", "sea lion", "<img src=x onerror=alert(1)>", "bobcat", "cart"];
  it("exact > prefix > word start > inside a word > subsequence; case-insensitive", () => {
    const scores = ["cat", "Catamaran", "tabby cat", "bobcat", "cart"].map((n) => matchScore("CAT", n)!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBe(scores.length);
    expect(matchScore("xyz", "cat")).toBeNull();
    expect(matchScore("", "cat")).toBeNull();
  });
  it("rank, with ties by shorter name then index, and a limit", () => {
    expect(rankNames("cat", classes).map((m) => m.name)).toEqual(["cat", "Catamaran", "tabby cat", "bobcat", "cart"]);
    expect(rankNames("dog", classes).map((m) => m.index)).toEqual([3, 4]);
    expect(rankNames("sl", classes).map((m) => m.name)).toEqual(["sea lion"]);
    expect(rankNames("hdog", classes).map((m) => m.name)).toEqual(["hot dog"]);
    expect(rankNames("ctmrn", classes).map((m) => m.name)).toEqual([]);
    expect(rankNames("catmaran", classes).map((m) => m.name)).toEqual(["Catamaran"]);
    expect(rankNames("onerror", classes).map((m) => m.name)).toEqual(["<img src=x onerror=alert(1)>"]);
    expect(rankNames("a", classes, 2)).toHaveLength(2);
    expect(rankNames("zzz", classes)).toEqual([]);
  });
});
