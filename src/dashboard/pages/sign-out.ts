import type { Context } from "hono";
import { toSignIn } from "../guard";
import { endSession, revokeSession } from "../session";
import type { DashEnv } from "../types";

/** Revokes the session and clears its cookie (the guard has checked the form's token), then back to sign-in. */
export async function signOut(c: Context<DashEnv>) {
  await revokeSession(c.env.MERCHANTS, c.get("session")!);
  endSession(c);
  c.set("outcome", "signed_out");
  return toSignIn(c);
}
