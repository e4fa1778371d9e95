"""Writing: Report → documents (md, HTML, DOCX, PDF, text layouts), figures and templates."""
