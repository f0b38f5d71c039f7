// Keyboard rules shared by the workbench modules (core, skip dialog, task types).

/** True while the user types into a field (keys then belong to the field). */
export function isTyping(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || target.closest('input, textarea, select') !== null);
}
