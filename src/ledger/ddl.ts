// Small builders for capabilities' schema steps, so a step and a fresh object's baseline share one column list.
export const table = (name: string, columns: string[], constraints: string[] = []) =>
  `CREATE TABLE ${name} (${[...columns, ...constraints].join(", ")})`;

export const addColumns = (name: string, columns: string[]) =>
  columns.map((c) => `ALTER TABLE ${name} ADD COLUMN ${c}`).join(";\n");

/**
 * A released step's tables and indexes as a lazy capability's step: on an object whose older steps already
 * made them it does nothing, and elsewhere it makes exactly what those steps made.
 */
export const ifNotExists = (ddl: string) => ddl.replace(/CREATE (TABLE|INDEX) /g, "CREATE $1 IF NOT EXISTS ");
