"""What every app uses and that knows no app: documents (PDF, DOCX), exports,
files, freezing records, lookups, Markdown, paging, rows, widgets and charts."""
