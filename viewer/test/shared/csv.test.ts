/** CSV export: RFC 4180 quoting, formula-injection guard, numbers, file names. */
import { describe, expect, it } from "vitest";
import { csvField, safeFileName, toCsv } from "../../src/shared/csv";

describe("csv fields", () => {
  it("quote commas, quotes, line breaks and edge spaces; double inner quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rlf")).toBe('"cr\rlf"');
    expect(csvField(" padded ")).toBe('" padded "');
    expect(csvField("")).toBe("");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
  });

  it("prefix text that a spreadsheet would run as a formula", () => {
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField("+cmd")).toBe("'+cmd");
    expect(csvField("-2")).toBe("'-2");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tTAB")).toBe("'\tTAB");
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("<img src=x onerror=alert(1)>")).toBe("<img src=x onerror=alert(1)>");
  });

  it("write numbers in full precision, never prefixed", () => {
    expect(csvField(-0.5)).toBe("-0.5");
    expect(csvField(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvField(4 / 7)).toBe(String(4 / 7));
    expect(csvField(-0)).toBe("0");
    expect(csvField(1e-300)).toBe("1e-300");
    expect(csvField(NaN)).toBe("NaN");
    expect(csvField(Infinity)).toBe("inf");
    expect(csvField(-Infinity)).toBe("-inf");
  });

  it("a table: header first, CRLF after every record", () => {
    expect(toCsv(["class", "n"], [["cat", 1], ["a,b", 2], ["=x", -3]])).toBe('class,n\r\ncat,1\r\n"a,b",2\r\n\'=x,-3\r\n');
    expect(toCsv(["only"], [])).toBe("only\r\n");
  });
});

describe("file names", () => {
  it("keep safe characters, replace the rest, never empty or hidden", () => {
    expect(safeFileName("ID", "accuracy-per-class")).toBe("ID-accuracy-per-class");
    expect(safeFileName("OOD shifted", "cat")).toBe("OOD_shifted-cat");
    expect(safeFileName("<img src=x onerror=alert(1)>")).toBe("img_src_x_onerror_alert_1");
    expect(safeFileName("../../etc/passwd")).toBe("etc_passwd");
    expect(safeFileName(".hidden")).toBe("hidden");
    expect(safeFileName("=cmd|' /C calc'!A0")).toBe("cmd_C_calc_A0");
    expect(safeFileName("Café")).toBe("Cafe");
    expect(safeFileName("", "???")).toBe("export");
    expect(safeFileName("x".repeat(300)).length).toBe(120);
  });
});
