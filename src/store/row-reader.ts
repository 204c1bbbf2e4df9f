// Rows read by position: a prepared statement's `.values()` (every column of a table in the
// table's order, then whatever else it selects) into the records drizzle's `.all()` would give.
// drizzle's general mapping walks each selected field with class checks and cost more than the
// query itself on the listings (about 3 µs a run); this does only what the columns need: the
// driver's value as it is, but for the columns that convert it (booleans, JSON text).
import { Column, getTableColumns } from "drizzle-orm";
import type { InferSelectModel, Table } from "drizzle-orm";

export interface RowReader<T extends Table> {
  /** How many values of a row are the table's. */
  readonly width: number;
  /** The record of the table's columns at `at` (0: the row starts with them). */
  read(row: readonly unknown[], at?: number): InferSelectModel<T>;
}

export function rowReader<T extends Table>(table: T): RowReader<T> {
  const columns = Object.entries(getTableColumns(table));
  const keys = columns.map(([key]) => key);
  const convert = columns.map(([, column]) => {
    const c = column as Column;
    return c.mapFromDriverValue === Column.prototype.mapFromDriverValue ? null : (value: unknown) => c.mapFromDriverValue(value);
  });
  const width = keys.length;
  return {
    width,
    read(row, at = 0) {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) {
        const value = row[at + i];
        const to = convert[i]!;
        // As drizzle does: a NULL is null, never converted.
        record[keys[i]!] = to === null || value === null ? value : to(value);
      }
      return record as InferSelectModel<T>;
    },
  };
}
