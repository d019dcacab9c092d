// Reminders deliver under the shared outbound policy (src/outbound/policy.ts), which merchant events use too.
export * from "../outbound/policy";
