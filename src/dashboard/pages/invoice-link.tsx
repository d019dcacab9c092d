/** The link to an invoice's page: its number, or its id when it has none. */
export const InvoiceLink = ({ id, number }: { id: string; number: string | null }) => (
  <a href={`/dashboard/invoices/${encodeURIComponent(id)}`}>{number ?? id}</a>
);
