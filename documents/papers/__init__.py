"""Papers: attachments and results, the file store, media types, the e-data repository and reuse."""
