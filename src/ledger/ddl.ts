// Small builders for capabilities' schema steps, so a step and a fresh object's baseline share one column list.
export const table = (name: string, columns: string[], constraints: string[] = []) =>
  `CREATE TABLE ${name} (${[...columns, ...constraints].join(", ")})`;

export const addColumns = (name: string, columns: string[]) =>
  columns.map((c) => `ALTER TABLE ${name} ADD COLUMN ${c}`).join(";\n");
