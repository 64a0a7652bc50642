/** PNG download names and signatures. */
import { describe, expect, it } from "vitest";
import { isPng, pngFileName } from "../../src/app/png";

describe("PNG download names", () => {
  it("are <dataset>-<index>.png with the dataset reduced to safe characters", () => {
    expect(pngFileName("ImageNet val", 12)).toBe("ImageNet_val-12.png");
    expect(pngFileName("OOD <b>shift</b>", 5)).toBe("OOD_b_shift_b-5.png");
    expect(pngFileName("<img src=x onerror=alert(1)>", 0)).toBe("img_src_x_onerror_alert_1-0.png");
    expect(pngFileName("../../etc/passwd", 3)).toBe("etc_passwd-3.png");
    expect(pngFileName("C:\\Users\\x", 1)).toBe("C_Users_x-1.png");
    expect(pngFileName("Café – größe 日本", 7)).toBe("Café_größe_日本-7.png");
    expect(pngFileName("", 2)).toBe("image-2.png");
    expect(pngFileName("...", 2)).toBe("image-2.png");
    expect(pngFileName("a\u0000b\nc", 2)).toBe("a_b_c-2.png");
    expect(pngFileName("x".repeat(300), 9)).toBe(`${"x".repeat(80)}-9.png`);
    expect(pngFileName("ok", -1)).toBe("ok-0.png");
  });

  it("recognise PNG data by its signature", () => {
    expect(isPng(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(true);
    expect(isPng(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
    expect(isPng(new Uint8Array(0))).toBe(false);
  });
});
