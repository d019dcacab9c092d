// Messages shown after a POST redirects back (POST/redirect/GET). The redirect carries a code, never text,
// so nothing a URL says is ever echoed onto the page.
import { DELIVERY_OUTCOMES } from "../deliveries/types";

const MESSAGES = {
  payment_recorded: "Payment recorded.",
  payment_reversed: "Payment reversed.",
  written_off: "Remainder written off.",
  voided: "Invoice voided.",
  reminders_paused: "Reminders paused.",
  reminders_resumed: "Reminders resumed.",
  reminder_resent: "Reminder resent.",
} as const;

export type FlashCode = keyof typeof MESSAGES;

export function flashOf(query: (name: string) => string | undefined): string | null {
  const code = query("flash");
  if (code === "retried") {
    const outcome = query("outcome");
    return (DELIVERY_OUTCOMES as readonly string[]).includes(outcome ?? "") ? `Retried: ${outcome}` : null;
  }
  return code && Object.hasOwn(MESSAGES, code) ? MESSAGES[code as FlashCode] : null;
}

export const withFlash = (path: string, code: FlashCode) => `${path}?flash=${code}`;
