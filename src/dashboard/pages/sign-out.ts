import type { Context } from "hono";
import { toSignIn } from "../guard";
import { endSession } from "../session";
import type { DashEnv } from "../types";

/** Clears the session cookie (the guard has checked the form's token) and returns to the sign-in form. */
export function signOut(c: Context<DashEnv>) {
  endSession(c);
  c.set("outcome", "signed_out");
  return toSignIn(c);
}
