"""The analysis core: data types, documents, rules, configuration. No LSP imports."""
