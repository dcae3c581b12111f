/**
 * A message of the launcher for the person who ran `npm start`. On stderr, like the infra
 * scripts' lines, so stdout carries only the services' logs (`npm start | jq` works).
 */
export function say(message: string): void {
  process.stderr.write(`[prism] ${message}\n`);
}
