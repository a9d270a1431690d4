# Every variable at its default: no runtime roles, so nothing to create.
