"""The order browser: table model with incremental fetch, filters, detail pane, actions."""
