import type { Child } from "hono/jsx";

/** A table's header row: every column a `<th scope="col">`; a label starting with "#" is a right-aligned number. */
export const Head = ({ cols }: { cols: string[] }) => (
  <thead>
    <tr>
      {cols.map((col) =>
        col.startsWith("#") ? (
          <th scope="col" class="num">
            {col.slice(1)}
          </th>
        ) : (
          <th scope="col">{col}</th>
        ),
      )}
    </tr>
  </thead>
);

/**
 * A table of `items`, or the `empty` sentence when there are none. `row` gives each item's cells in column order;
 * a column whose label starts with "#" is a right-aligned number; with `rowHeader` the first cell is the row's
 * `<th scope="row">`.
 */
export function Listing<T>(props: {
  items: T[];
  cols: string[];
  empty: string;
  row: (item: T) => Child[];
  rowClass?: (item: T) => string | undefined;
  rowHeader?: boolean;
  caption?: string;
}) {
  if (props.items.length === 0) return <p class="empty">{props.empty}</p>;
  const num = props.cols.map((c) => c.startsWith("#"));
  return (
    <table>
      {props.caption && <caption class="muted">{props.caption}</caption>}
      <Head cols={props.cols} />
      <tbody>
        {props.items.map((item) => (
          <tr class={props.rowClass?.(item)}>
            {props
              .row(item)
              .map((cell, i) =>
                i === 0 && props.rowHeader ? (
                  <th scope="row">{cell}</th>
                ) : (
                  <td class={num[i] ? "num" : undefined}>{cell}</td>
                ),
              )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
