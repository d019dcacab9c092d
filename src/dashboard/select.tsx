/** A labelled select; `options` are [value, label] pairs, the empty value meaning "any". */
export function Select(props: {
  id: string;
  name: string;
  label: string;
  options: Array<readonly [string, string]>;
  selected: string;
}) {
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {props.options.map(([value, label]) => (
          <option value={value} selected={props.selected === value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
