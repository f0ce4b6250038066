/** What a failure says to the user: an Error's message, else the thrown value as text. */
export function errorText(error: unknown): string {
  return String((error as Error)?.message ?? error);
}
