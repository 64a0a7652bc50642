/** Keyboard shortcuts. */
import { describe, expect, it } from "vitest";
import { isTypingTarget, shortcutOf, type KeyLike } from "../../src/app/keys";

describe("keyboard shortcuts", () => {
  const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, target: null, ...extra });
  it("map keys to actions", () => {
    expect(shortcutOf(key("ArrowLeft"))).toBe("previous");
    expect(shortcutOf(key("ArrowRight"))).toBe("next");
    expect(shortcutOf(key("["))).toBe("back");
    expect(shortcutOf(key("]"))).toBe("forward");
    expect(shortcutOf(key("ArrowLeft", { altKey: true }))).toBe("back");
    expect(shortcutOf(key("ArrowRight", { altKey: true }))).toBe("forward");
    expect(shortcutOf(key("?"))).toBe("help");
    expect(shortcutOf(key("g"))).toBe("jump");
    expect(shortcutOf(key("Escape"))).toBe("close");
    expect(shortcutOf(key("x"))).toBeNull();
    expect(shortcutOf(key("ArrowLeft", { ctrlKey: true }))).toBeNull();
    expect(shortcutOf(key("]", { metaKey: true }))).toBeNull();
    expect(shortcutOf(key("g", { altKey: true }))).toBeNull();
  });

  it("leave keys to text fields, except Escape", () => {
    const input = { tagName: "INPUT" } as unknown as EventTarget;
    const editable = { tagName: "DIV", isContentEditable: true } as unknown as EventTarget;
    const button = { tagName: "BUTTON", isContentEditable: false } as unknown as EventTarget;
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(editable)).toBe(true);
    expect(isTypingTarget(button)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    expect(shortcutOf(key("ArrowLeft", { target: input }))).toBeNull();
    expect(shortcutOf(key("ArrowLeft", { target: input, altKey: true }))).toBeNull();
    expect(shortcutOf(key("?", { target: editable }))).toBeNull();
    expect(shortcutOf(key("Escape", { target: input }))).toBe("close");
    expect(shortcutOf(key("ArrowRight", { target: button }))).toBe("next");
  });
});
