/**
 * Text from a mail made safe to print on a staff member's terminal: control characters (escape
 * sequences that could retitle, recolour or rewrite the screen, a carriage return that hides what
 * came before it on the line) and bidirectional overrides are shown as `\uXXXX` instead of obeyed.
 * Line feeds and tabs stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
