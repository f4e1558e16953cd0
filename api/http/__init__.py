"""HTTP routes: the GraphQL endpoint and its limits, public pages, downloads, receipts."""
