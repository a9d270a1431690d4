# Every variable at its default: no EMRFS roles and no mappings, so nothing to create.
