/** Below this length, keeping two characters at each end would leave (almost) nothing hidden. */
const SHORTEST_PARTLY_SHOWN = 6;

/** `zhangwei88` → `zh******88`; short names keep only their first character: `bob` → `b**`. */
export function maskUsername(username: string): string {
  // Code points, not UTF-16 units: a Chinese or emoji username must not be cut inside a character.
  const characters = Array.from(username);
  const shown =
    characters.length < SHORTEST_PARTLY_SHOWN ? { head: 1, tail: 0 } : { head: 2, tail: 2 };
  return characters
    .map((character, index) =>
      index < shown.head || index >= characters.length - shown.tail ? character : '*',
    )
    .join('');
}
