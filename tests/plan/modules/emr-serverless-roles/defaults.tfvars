# Every variable at its default: no job runtime roles, so nothing to create.
